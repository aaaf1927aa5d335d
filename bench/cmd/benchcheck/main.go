// Command benchcheck compares a tool's output with a benchgen truth file
// and prints "matches false_positives missed".
//
//	benchcheck -truth eve.truth -ndjson out.ndjson   # pactwatch sweep output
//	benchcheck -truth eve.truth -lines out.txt       # grep -n / rg -n output
//
// pactwatch output is compared as (line, indicator) pairs: a match is one
// output object, a false positive a pair the truth lacks, a miss a truth
// pair the output lacks. Line-oriented tools report lines, not
// indicators, so their output is compared as sets of line numbers.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"strconv"
	"strings"
)

type pair struct {
	line int64
	ind  string
}

func main() {
	truthPath := flag.String("truth", "", "truth file (line<TAB>indicator)")
	ndjson := flag.String("ndjson", "", "pactwatch sweep NDJSON output")
	lines := flag.String("lines", "", "grep -n style output (line:text)")
	flag.Parse()
	log.SetFlags(0)
	truth := map[pair]bool{}
	truthLines := map[int64]bool{}
	f, err := os.Open(*truthPath)
	if err != nil {
		log.Fatal(err)
	}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		l, ind, ok := strings.Cut(sc.Text(), "\t")
		n, err := strconv.ParseInt(l, 10, 64)
		if !ok || err != nil {
			log.Fatalf("%s: bad line %q", *truthPath, sc.Text())
		}
		truth[pair{n, ind}] = true
		truthLines[n] = true
	}
	f.Close()

	var matches, fp, missed int
	switch {
	case *ndjson != "":
		f, err := os.Open(*ndjson)
		if err != nil {
			log.Fatal(err)
		}
		seen := map[pair]bool{}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 1<<26)
		for sc.Scan() {
			var r struct {
				Line      int64  `json:"line"`
				Indicator string `json:"indicator"`
			}
			if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
				log.Fatalf("%s: %v", *ndjson, err)
			}
			matches++
			p := pair{r.Line, r.Indicator}
			if !truth[p] {
				fp++
			}
			seen[p] = true
		}
		if err := sc.Err(); err != nil {
			log.Fatal(err)
		}
		for p := range truth {
			if !seen[p] {
				missed++
			}
		}
	case *lines != "":
		f, err := os.Open(*lines)
		if err != nil {
			log.Fatal(err)
		}
		seen := map[int64]bool{}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 1<<26)
		for sc.Scan() {
			l, _, _ := strings.Cut(sc.Text(), ":")
			n, err := strconv.ParseInt(l, 10, 64)
			if err != nil {
				log.Fatalf("%s: no line number in %.80q", *lines, sc.Text())
			}
			matches++
			if !truthLines[n] {
				fp++
			}
			seen[n] = true
		}
		if err := sc.Err(); err != nil {
			log.Fatal(err)
		}
		for n := range truthLines {
			if !seen[n] {
				missed++
			}
		}
	default:
		log.Fatal("give -ndjson or -lines")
	}
	fmt.Println(matches, fp, missed)
}
