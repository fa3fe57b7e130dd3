package datasets_test

import (
	"bytes"
	"fmt"
	"io"

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

// ParquetFromCSV writes the table a CSV writer writes as Parquet, with the
// column types the CSV loader gives it.
func ExampleParquetFromCSV() {
	csv := func(w io.Writer) error {
		_, err := io.WriteString(w, "study,ri,ni\nA,0.30,40\nB,NA,55\n")
		return err
	}
	var b bytes.Buffer
	if err := datasets.ParquetFromCSV(csv)(&b); err != nil {
		fmt.Println(err)
		return
	}
	t, err := datasets.ReadBytes("s.parquet", b.Bytes(), datasets.ReadOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(t.Header, t.Col(1).String(0), t.Col(1).Missing(1), t.Col(2).String(1))
	// Output: [study ri ni] 0.3 true 55
}
