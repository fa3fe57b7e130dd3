package main

import "strings"

// parsePredict reads --predict "year=2010,rater=patient;year=2020,rater=patient":
// points separated by ';', each a comma-separated list of moderator=value.
func parsePredict(spec string) ([]map[string]string, error) { return parsePoints("--predict", spec) }

// parsePoints reads the points of flag (--predict, --newscale).
func parsePoints(flag, spec string) ([]map[string]string, error) {
	spec = strings.TrimSpace(spec)
	if spec == "" {
		return nil, nil
	}
	var out []map[string]string
	for i, pt := range strings.Split(spec, ";") {
		pt = strings.TrimSpace(pt)
		if pt == "" {
			continue
		}
		m := map[string]string{}
		for _, kv := range strings.Split(pt, ",") {
			k, v, ok := strings.Cut(kv, "=")
			k, v = strings.TrimSpace(k), strings.TrimSpace(v)
			if !ok || k == "" || v == "" {
				return nil, usagef("%s: point %d: %q is not moderator=value (e.g. %s \"year=2010,rater=patient;year=2020,rater=patient\")", flag, i+1, strings.TrimSpace(kv), flag)
			}
			if _, dup := m[k]; dup {
				return nil, usagef("%s: point %d gives %s twice", flag, i+1, k)
			}
			m[k] = v
		}
		out = append(out, m)
	}
	return out, nil
}
