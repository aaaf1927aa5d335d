package storetest

import (
	"fmt"
	"net/netip"
	"reflect"
	"time"
)

var (
	addrType   = reflect.TypeFor[netip.Addr]()
	prefixType = reflect.TypeFor[netip.Prefix]()
	timeType   = reflect.TypeFor[time.Time]()
)

// Filled returns a T whose every exported field, recursively, holds a
// non-zero value derived from seed. Round-tripping it through a store
// catches fields a backend forgets to keep, including ones added to the
// shared types after the backend was written.
func Filled[T any](seed int) T {
	var v T
	fill(reflect.ValueOf(&v).Elem(), seed, "")
	return v
}

func fill(v reflect.Value, seed int, name string) {
	switch v.Type() {
	case addrType:
		v.Set(reflect.ValueOf(netip.AddrFrom4([4]byte{192, 0, 2, byte(seed)})))
		return
	case prefixType:
		v.Set(reflect.ValueOf(netip.PrefixFrom(netip.AddrFrom4([4]byte{198, 51, byte(seed), 0}), 24)))
		return
	case timeType:
		v.Set(reflect.ValueOf(time.Date(2015, 9, 26, 1, 2, 3, 4000+seed, time.UTC)))
		return
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(fmt.Sprintf("%s-%d", name, seed))
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(int64(seed%100 + 1))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(uint64(seed%100 + 1))
	case reflect.Float32, reflect.Float64:
		v.SetFloat(float64(seed%100+1) / 128)
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 1, 1)
		fill(s.Index(0), seed, name)
		v.Set(s)
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		k := reflect.New(v.Type().Key()).Elem()
		fill(k, seed, name+"-key")
		e := reflect.New(v.Type().Elem()).Elem()
		fill(e, seed, name)
		m.SetMapIndex(k, e)
		v.Set(m)
	case reflect.Pointer:
		p := reflect.New(v.Type().Elem())
		fill(p.Elem(), seed, name)
		v.Set(p)
	case reflect.Struct:
		for i := range v.NumField() {
			f := v.Type().Field(i)
			if f.IsExported() {
				fill(v.Field(i), seed, f.Name)
			}
		}
	}
}
