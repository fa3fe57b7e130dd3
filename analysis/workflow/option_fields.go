package workflow

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
)

// BindTarget returns the address of the field of the options struct opts
// (a pointer to MetaOptions, LMMOptions, …) that fd sets (fd.Option, a
// dotted path through nested structs): a *string, *bool, *int, *uint64,
// *float64, **float64, **int, *[]string or *[]float64, which a front end
// binds to its own control for fd. An unknown path, an unexported or an
// unsupported field is an error (a fault of the table, caught by its
// test: TestOptionTables).
func BindTarget(opts any, fd Field) (any, error) {
	v := reflect.ValueOf(opts)
	if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
		return nil, fmt.Errorf("field %s: options %T are not a pointer to a struct", fd.Name, opts)
	}
	v = v.Elem()
	for _, name := range strings.Split(fd.Option, ".") {
		if v.Kind() != reflect.Struct {
			return nil, fmt.Errorf("field %s: %s is not inside a struct", fd.Name, fd.Option)
		}
		sf, ok := v.Type().FieldByName(name)
		if !ok || !sf.IsExported() {
			return nil, fmt.Errorf("field %s: %T has no exported field %s", fd.Name, opts, fd.Option)
		}
		v = v.FieldByIndex(sf.Index)
	}
	p := v.Addr().Interface()
	switch p.(type) {
	case *string, *bool, *int, *uint64, *float64, **float64, **int, *[]string, *[]float64, *[]int:
	default:
		return nil, fmt.Errorf("field %s: %s is a %s, which no field kind sets", fd.Name, fd.Option, v.Type())
	}
	if _, isLevel := p.(*float64); fd.Kind == LevelField && !isLevel {
		return nil, fmt.Errorf("field %s: a level field must set a float64", fd.Name)
	}
	if fd.Default != "" && len(fd.Choices) > 0 && !fd.Multi && !slices.Contains(fd.Choices, fd.Default) {
		return nil, fmt.Errorf("field %s: default %q is not one of its choices", fd.Name, fd.Default)
	}
	return p, nil
}
