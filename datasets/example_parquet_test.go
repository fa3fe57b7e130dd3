package datasets_test

import (
	"bytes"
	"fmt"

	"github.com/alliance-research/alliance/datasets"
)

// WriteParquet writes a table as Parquet; reading it back gives the same
// cells, a missing value staying missing.
func ExampleWriteParquet() {
	t, _ := datasets.ReadBytes("s.csv", []byte("patient,session,alliance\n1,1,4.5\n1,2,NA\n"), datasets.ReadOptions{})
	var b bytes.Buffer
	if err := datasets.WriteParquet(&b, t); err != nil {
		fmt.Println(err)
		return
	}
	back, err := datasets.ReadBytes("s.parquet", b.Bytes(), datasets.ReadOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	a := back.Col(2)
	fmt.Println(back.Header, a.String(0), a.Missing(1), datasets.IsParquetPath("S.PARQUET"))
	// Output: [patient session alliance] 4.5 true true
}
