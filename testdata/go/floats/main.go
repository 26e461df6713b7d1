// floats exercises SSE floating point and the integer code behind float formatting:
// strconv.FormatFloat/ParseFloat, fmt's %g %e %f, math functions, float32 arithmetic,
// int<->float conversions (large, negative, out of range) and NaN/Inf/-0 semantics.
// Values come from package-level slices so the compiler cannot fold them.
package main

import (
	"fmt"
	"math"
	"sort"
	"strconv"
)

var negZero = math.Copysign(0, -1)

var values = []float64{
	0, negZero, 1, -1, 0.1, 0.2, 0.3, 1.0 / 3, 2.0 / 3, -2.0 / 3, math.Pi, math.E, math.Sqrt2,
	1.5, 2.5, -2.5, 3.5, 0.5, 1e-7, 123456789.125, -987654.321, 0.000123, 100, 1e15, 1e20,
	1e21, 1e22, 1e23, 1e100, -1e-100, 1e-300, 1e300, 9007199254740992, 9007199254740993,
	4503599627370495.5, 2.2250738585072014e-308, 2.225073858507201e-308, 5e-324,
	math.MaxFloat64, -math.MaxFloat64, math.MaxFloat32, math.SmallestNonzeroFloat32,
	float64(1 << 62), 0.1 + 0.2, 1.0000000000000002, 0.9999999999999999,
	math.Inf(1), math.Inf(-1), math.NaN(),
}

var parseInputs = []string{
	"0", "-0", "+0.0", "1", "-1.5", ".5", "5.", "1e23", "1E-7", "0.1", "3.14159265358979323846264338327950288",
	"1.7976931348623157e308", "1.8e308", "-1.8e308", "4.9e-324", "2.4e-324", "2.5e-324", "1e-400",
	"2.2250738585072011e-308", "123456789012345678901234567890", "0x1.8p1", "0x1p-1074", "0X.8p0",
	"inf", "-Inf", "+INF", "infinity", "NaN", "nan", "1_000.5", "abc", "", "1e", "--1", "1.5e+", "0.000000000000000000001",
	"9007199254740993", "9007199254740995", "3.4028235e38", "3.5e38", "1.401298464324817e-45", "7e-46",
}

func formatting() {
	for _, v := range values {
		fmt.Printf("fmt %s | %s | %s | %s | %s | %s\n",
			strconv.FormatFloat(v, 'g', -1, 64), strconv.FormatFloat(v, 'e', -1, 64),
			strconv.FormatFloat(v, 'e', 3, 64), strconv.FormatFloat(v, 'f', 3, 64),
			strconv.FormatFloat(v, 'g', 5, 64), strconv.FormatFloat(v, 'g', -1, 32))
		if math.Abs(v) < 1e25 || math.IsInf(v, 0) || math.IsNaN(v) {
			fmt.Printf("    f-1: %s  f17: %s\n", strconv.FormatFloat(v, 'f', -1, 64), strconv.FormatFloat(v, 'f', 17, 64))
		}
		fmt.Printf("    %%g=%g %%e=%e %%f=%f %%.3f=%.3f %%10.4g=[%10.4g] %%-12.2e=[%-12.2e] %%v=%v %%x=%x %%b=%b\n",
			v, v, v, v, v, v, v, v, v)
		fmt.Printf("    bits=%016x f32bits=%08x\n", math.Float64bits(v), math.Float32bits(float32(v)))
	}
	fmt.Printf("fmt 'f' of 1e300 has %d chars\n", len(strconv.FormatFloat(1e300, 'f', -1, 64)))
}

func parsing() {
	for _, s := range parseInputs {
		f64, err64 := strconv.ParseFloat(s, 64)
		f32, err32 := strconv.ParseFloat(s, 32)
		fmt.Printf("parse %q: 64=%v bits=%016x err=%v | 32=%v bits=%08x err=%v\n",
			s, f64, math.Float64bits(f64), err64, float32(f32), math.Float32bits(float32(f32)), err32)
	}
	for _, v := range values { // round trip
		s := strconv.FormatFloat(v, 'g', -1, 64)
		back, err := strconv.ParseFloat(s, 64)
		ok := math.Float64bits(back) == math.Float64bits(v) || (math.IsNaN(v) && math.IsNaN(back))
		if !ok || err != nil {
			fmt.Printf("roundtrip FAILED for %s: %v %v\n", s, back, err)
		}
	}
	fmt.Println("roundtrip checked")
}

var mathInputs = []float64{0, negZero, 0.5, 1, -1, 2, 3, -3.7, 10, 0.001, 1e-10, 100.25, -100.75, 1e10, 1e300,
	math.Pi / 6, math.Pi / 2, math.Pi, 2 * math.Pi, 1e6, -7.5, 2.5, 4503599627370497, math.Inf(1), math.Inf(-1), math.NaN()}

func mathFuncs() {
	for _, x := range mathInputs {
		fmt.Printf("math x=%g sqrt=%.17g floor=%g ceil=%g trunc=%g round=%g rte=%g abs=%g\n",
			x, math.Sqrt(x), math.Floor(x), math.Ceil(x), math.Trunc(x), math.Round(x), math.RoundToEven(x), math.Abs(x))
		fmt.Printf("    sin=%.17g cos=%.17g tan=%.17g atan=%.17g\n", math.Sin(x), math.Cos(x), math.Tan(x), math.Atan(x))
		// math.Exp (and math.Pow, which calls it) has an FMA path on amd64 chosen by CPUID;
		// its results may differ in the last bit, so they are printed to 13 digits.
		fmt.Printf("    exp=%.13g log=%.17g log2=%.17g log10=%.17g cbrt=%.17g\n", math.Exp(x), math.Log(x), math.Log2(x), math.Log10(x), math.Cbrt(x))
		fr, ex := math.Frexp(x)
		ip, fp := math.Modf(x)
		fmt.Printf("    pow(x,2.5)=%.13g pow(2,x)=%.13g mod(x,3)=%.17g mod(x,-0.7)=%.17g frexp=%g,%d modf=%g,%g ldexp(x,-3)=%g\n",
			math.Pow(x, 2.5), math.Pow(2, x), math.Mod(x, 3), math.Mod(x, -0.7), fr, ex, ip, fp, math.Ldexp(x, -3))
		fmt.Printf("    hypot(x,3)=%.17g atan2(x,-2)=%.17g remainder(x,2)=%g signbit=%v isinf=%v isnan=%v\n",
			math.Hypot(x, 3), math.Atan2(x, -2), math.Remainder(x, 2), math.Signbit(x), math.IsInf(x, 0), math.IsNaN(x))
	}
	fmt.Printf("math consts: inf=%v -inf=%v nan=%v maxf64=%g smallest=%g maxf32=%g\n",
		math.Inf(1), math.Inf(-1), math.NaN(), math.MaxFloat64, math.SmallestNonzeroFloat64, float32(math.MaxFloat32))
	var h float64
	for i := 1; i <= 100000; i++ {
		h += 1 / float64(i)
	}
	fmt.Printf("harmonic(1e5)=%.17g\n", h)
	var acc float64 = 1
	for i := 0; i < 1000; i++ {
		acc = math.Sqrt(acc*acc+float64(i)) / 1.0001
	}
	fmt.Printf("sqrt chain=%.17g bits=%016x\n", acc, math.Float64bits(acc))
}

var f32in = []float32{0, 1, -1, 0.1, 1.0 / 3, 3.4028235e38, 1.1754944e-38, 1e-45, 16777216, 16777217, -2.5, 1e10}

func float32s() {
	var s float32
	for i := 1; i <= 1000; i++ {
		s += 1 / float32(i)
	}
	fmt.Printf("f32 harmonic(1000)=%.9g bits=%08x\n", s, math.Float32bits(s))
	for _, a := range f32in {
		b := a * 1.5
		c := a / 3
		d := a - 0.25
		e := float32(math.Sqrt(float64(a)))
		fmt.Printf("f32 a=%g a*1.5=%g a/3=%g a-0.25=%g sqrt=%g f64=%.17g bits=%08x,%08x\n",
			a, b, c, d, e, float64(a), math.Float32bits(b), math.Float32bits(c))
		fmt.Printf("    fmt: %s %s %s  int32=%d\n", strconv.FormatFloat(float64(a), 'g', -1, 32),
			strconv.FormatFloat(float64(a), 'e', 4, 32), strconv.FormatFloat(float64(a), 'f', 2, 32), int32(a/1e6))
	}
	for _, v := range values {
		f := float32(v)
		fmt.Printf("f64->f32 %g -> %g (%08x) -> %g\n", v, f, math.Float32bits(f), float64(f))
	}
}

var ints = []int64{0, 1, -1, 7, -7, 1 << 31, -1 << 31, 1<<53 + 1, -(1<<53 + 1), 1<<62 + 12345, math.MaxInt64, math.MinInt64, 123456789123456789}
var uints = []uint64{0, 1, 1 << 32, 1<<53 + 1, 1 << 63, 1<<63 + 1025, 1<<64 - 1, 12345678901234567890}
var toInt = []float64{0, negZero, 0.4, 0.5, 0.6, 1.9, -1.9, 2.5, -2.5, 1e9, -1e9, 3e9, -3e9, 1e18, -1e18,
	9.2e18, -9.2e18, 9.3e18, -9.3e18, 1.8e19, 2e19, -1e20, math.Inf(1), math.Inf(-1), math.NaN()}

func conversions() {
	for _, i := range ints {
		f := float64(i)
		f32 := float32(i)
		fmt.Printf("int64 %d -> f64 %.17g -> f32 %.9g -> back %d\n", i, f, f32, int64(f/2)*2)
	}
	for _, u := range uints {
		f := float64(u)
		fmt.Printf("uint64 %d -> f64 %.17g bits=%016x -> f32 %.9g\n", u, f, math.Float64bits(f), float32(u))
	}
	for _, f := range toInt {
		// Only in-range conversions are specified by Go; out-of-range results on amd64
		// are the CVTTSD2SI "integer indefinite" value, checked here as the hardware gives it.
		fmt.Printf("f64 %g -> int64 %d int32 %d int8 %d", f, int64(f), int32(f), int8(int32(f)))
		if f >= 0 && f < 1.8446744073709552e19 {
			fmt.Printf(" uint64 %d uint32 %d", uint64(f), uint32(f))
		}
		fmt.Println()
	}
	for _, f := range []float32{0.9, -0.9, 2147483520, -2147483648, 3e9, 1e19} {
		fmt.Printf("f32 %g -> int64 %d int32 %d\n", f, int64(f), int32(f))
	}
	fmt.Printf("int division feeds: %d %d %d\n", int64(1e18)/int64(-7), int64(-1e18)%7, uint64(1<<63)/3)
}

func nanSemantics() {
	nan := math.NaN()
	one := values[2]
	fmt.Printf("nan: ==self %v !=self %v <1 %v >1 %v <=nan %v >=nan %v\n", nan == nan, nan != nan, nan < one, nan > one, nan <= nan, nan >= nan)
	fmt.Printf("nan: max(nan,1)=%v min(1,nan)=%v isnan(nan+1)=%v inf-inf=%v 0*inf=%v inf/inf=%v\n",
		math.Max(nan, one), math.Min(one, nan), math.IsNaN(nan+one), math.Inf(1)-math.Inf(1), values[0]*math.Inf(1), math.Inf(1)/math.Inf(-1))
	fmt.Printf("zero: -0==0 %v signbit(-0)=%v 1/-0=%v 1/0=%v min(-0,0) signbit=%v max(-0,0) signbit=%v\n",
		negZero == values[0], math.Signbit(negZero), one/negZero, one/values[0],
		math.Signbit(math.Min(negZero, values[0])), math.Signbit(math.Max(negZero, values[0])))
	s := append([]float64(nil), values...)
	sort.Float64s(s)
	fmt.Print("sorted:")
	for _, v := range s {
		fmt.Printf(" %g", v)
	}
	fmt.Println()
	m := map[float64]int{}
	m[nan]++
	m[nan]++
	m[negZero]++
	m[0]++
	fmt.Printf("map with nan keys len=%d zero count=%d\n", len(m), m[0])
	c := complex(values[2], 2) * complex(3, -4)
	d := complex(values[2], 1) / complex(values[0], 0)
	fmt.Printf("complex: %v %v %v abs=%g\n", c, c/complex(0.5, 0.25), d, math.Hypot(real(c), imag(c)))
}

func main() {
	formatting()
	parsing()
	mathFuncs()
	float32s()
	conversions()
	nanSemantics()
	fmt.Println("floats: done")
}
