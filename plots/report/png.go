package report

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"math"
)

// withPHYs returns a PNG with a pHYs chunk (pixels per metre, unit metre)
// giving the resolution at which it was drawn: its pixel width over the
// figure's width in inches. image/png (used by gonum/plot) writes none, so
// word processors would otherwise place the figure at 72 or 96 DPI. An
// existing pHYs chunk is replaced.
func withPHYs(png []byte, widthInches float64) ([]byte, error) {
	const sig = "\x89PNG\r\n\x1a\n"
	if len(png) < len(sig)+25 || string(png[:8]) != sig || string(png[12:16]) != "IHDR" {
		return nil, errors.New("not a PNG image")
	}
	if !(widthInches > 0) {
		return nil, errors.New("figure width must be positive")
	}
	px := binary.BigEndian.Uint32(png[16:20])
	ppm := uint32(math.Round(float64(px) / widthInches / 0.0254))
	var chunk bytes.Buffer
	body := make([]byte, 13)
	copy(body, "pHYs")
	binary.BigEndian.PutUint32(body[4:], ppm)
	binary.BigEndian.PutUint32(body[8:], ppm)
	body[12] = 1 // unit: metre
	binary.Write(&chunk, binary.BigEndian, uint32(9))
	chunk.Write(body)
	binary.Write(&chunk, binary.BigEndian, crc32.ChecksumIEEE(body))

	var out bytes.Buffer
	out.Write(png[:8])
	i := 8
	for i+8 <= len(png) {
		n := int(binary.BigEndian.Uint32(png[i:]))
		typ := string(png[i+4 : i+8])
		end := i + 12 + n
		if end > len(png) {
			return nil, errors.New("truncated PNG chunk")
		}
		if typ != "pHYs" {
			out.Write(png[i:end])
		}
		if typ == "IHDR" {
			out.Write(chunk.Bytes())
		}
		i = end
	}
	return out.Bytes(), nil
}

// pngDPI reads the resolution of a PNG's pHYs chunk (0 without one).
func pngDPI(png []byte) float64 {
	for i := 8; i+8 <= len(png); {
		n := int(binary.BigEndian.Uint32(png[i:]))
		if string(png[i+4:i+8]) == "pHYs" && n == 9 && i+17 <= len(png) && png[i+16] == 1 {
			return float64(binary.BigEndian.Uint32(png[i+8:])) * 0.0254
		}
		i += 12 + n
	}
	return 0
}
