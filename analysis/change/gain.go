package change

import (
	"encoding/json"
	"strconv"
)

// Gain is one sudden gain (or loss): a row of suddengains' create_bysg
// output. The six scores around it are named as the package's
// sg_<measure>_2n … _n3 columns without the measure name.
type Gain struct {
	// Patient is the series ID.
	Patient string `json:"patient"`
	// Session is sg_session_n, the pregain session number (see Interval.Session).
	Session int `json:"session"`
	// Position is the 0-based index of the pregain score in Series.Values.
	Position int `json:"position"`
	// Direction is Gains or Losses.
	Direction Direction `json:"-"`
	// FreqByPerson is sg_freq_byperson, the number of gains of this patient.
	FreqByPerson int `json:"freq_byperson"`
	// X2n … Xn3 are the scores at pregain−2, pregain−1, pregain,
	// postgain, postgain+1, postgain+2 (NaN/null when missing).
	X2n Float `json:"x_2n"`
	X1n Float `json:"x_1n"`
	Xn  Float `json:"x_n"`
	Xn1 Float `json:"x_n1"`
	Xn2 Float `json:"x_n2"`
	Xn3 Float `json:"x_n3"`
	// Magnitude is sg_magnitude = x_n − x_n1 (negative for losses).
	Magnitude Float `json:"magnitude"`
	// TxStart and TxEnd are the scores at the start and end of treatment.
	TxStart Float `json:"tx_start"`
	TxEnd   Float `json:"tx_end"`
	// TxChange is sg_<measure>_tx_change = TxStart − TxEnd.
	TxChange Float `json:"tx_change"`
	// ChangeProportion is sg_change_proportion = Magnitude / TxChange for
	// gains, |Magnitude| / TxChange for losses; −Inf becomes NA as in the
	// package (+Inf, from TxChange = 0, is kept and encodes as null).
	ChangeProportion Float `json:"change_proportion"`
	// ReversalValue is sg_reversal_value = x_n1 + Magnitude/2: the score
	// past which half of the gain is lost.
	ReversalValue Float `json:"reversal_value"`
	// Reversal is sg_reversal: some later score is above (gains) or below
	// (losses) ReversalValue (see Criteria.ReversalFromN2 for which sessions).
	Reversal bool `json:"reversal"`
}

// IDSG returns the package's id_sg label, "<patient>_sg_<session>" (also
// for losses, as the package).
func (g Gain) IDSG() string {
	return g.Patient + "_sg_" + strconv.Itoa(g.Session)
}

// MarshalJSON adds the id_sg label to the fields.
func (g Gain) MarshalJSON() ([]byte, error) {
	type plain Gain
	return json.Marshal(struct {
		IDSG string `json:"id_sg"`
		plain
	}{g.IDSG(), plain(g)})
}
