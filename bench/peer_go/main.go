// What a platform team writes in an afternoon instead of this service: the /cce subset of the
// contract that bench/peer_fastapi.py implements (probabilities or logits, index or row labels,
// base, per_sample, bands), on Go's standard library: net/http and encoding/json. An access log
// line per request is written by hand (Debian's Go 1.19 has no log/slog), as the service logs one.
//
// Run: GOMAXPROCS=2 go run bench/peer_go/main.go -port 8083
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"sync"
	"time"
)

const eps = 2.220446049250313e-16

var lnOf = map[string]float64{"2": math.Ln2, "e": 1, "10": math.Ln10}
var unitOf = map[string]string{"2": "bits", "e": "nats", "10": "hartleys"}

type request struct {
	Predictions [][]float64     `json:"predictions"`
	Labels      json.RawMessage `json:"labels"`
	Input       string          `json:"input"`
	Base        json.RawMessage `json:"base"`
	PerSample   *bool           `json:"per_sample"`
}

type result struct {
	Loss    float64     `json:"loss"`
	Sum     float64     `json:"sum"`
	Base    interface{} `json:"base"`
	Unit    string      `json:"unit"`
	N       int         `json:"n"`
	Classes int         `json:"classes"`
	Band    string      `json:"band"`
	Losses  []float64   `json:"losses,omitempty"`
	Bands   []string    `json:"bands,omitempty"`
}

func band(loss float64, classes int, ln float64) string {
	if loss <= 1e-12 {
		return "perfect"
	}
	p := math.Exp(-loss * ln)
	for _, t := range []struct {
		name string
		min  float64
	}{{"high_confidence", 0.9}, {"moderate", 0.7}, {"low", 0.5}} {
		if p >= t.min*(1-1e-9) {
			return t.name
		}
	}
	if p >= (1/float64(classes))*(1-1e-9) {
		return "very_low"
	}
	return "wrong"
}

func problem(w http.ResponseWriter, detail string) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(422)
	body, _ := json.Marshal(map[string]interface{}{"status": 422, "detail": detail})
	w.Write(body)
}

func cce(w http.ResponseWriter, r *http.Request) int {
	var req request
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		problem(w, err.Error())
		return 422
	}
	n := len(req.Predictions)
	if n == 0 || len(req.Predictions[0]) < 2 {
		problem(w, "predictions must be n rows of C >= 2 numbers")
		return 422
	}
	classes := len(req.Predictions[0])
	baseKey, base := "2", interface{}(2)
	if len(req.Base) > 0 {
		var s string
		if json.Unmarshal(req.Base, &s) == nil && s == "e" {
			baseKey, base = "e", "e"
		} else if string(req.Base) == "10" {
			baseKey, base = "10", 10
		}
	}
	var index []int
	var rows [][]float64
	if json.Unmarshal(req.Labels, &index) != nil {
		if err := json.Unmarshal(req.Labels, &rows); err != nil || len(rows) != n {
			problem(w, "labels must be n class indices or n rows")
			return 422
		}
	} else if len(index) != n {
		problem(w, "labels must be n class indices or n rows")
		return 422
	}
	logits := req.Input == "logits"
	losses := make([]float64, n)
	logp := make([]float64, classes)
	for i, row := range req.Predictions {
		if len(row) != classes {
			problem(w, "ragged predictions")
			return 422
		}
		if logits {
			max := math.Inf(-1)
			for _, z := range row {
				max = math.Max(max, z)
			}
			total := 0.0
			for _, z := range row {
				total += math.Exp(z - max)
			}
			for j, z := range row {
				logp[j] = z - max - math.Log(total)
			}
		} else {
			total := 0.0
			for j, p := range row {
				if p < 0 || p > 1 {
					problem(w, "probabilities out of range")
					return 422
				}
				total += p
				logp[j] = math.Log(math.Min(math.Max(p, eps), 1-eps))
			}
			if math.Abs(total-1) > 1e-6+float64(classes)*math.Pow(2, -23) {
				problem(w, "rows must sum to 1")
				return 422
			}
		}
		if index != nil {
			if index[i] < 0 || index[i] >= classes {
				problem(w, "class index out of range")
				return 422
			}
			losses[i] = -logp[index[i]]
		} else {
			for j, y := range rows[i] {
				if y != 0 {
					losses[i] -= y * logp[j]
				}
			}
		}
		losses[i] /= lnOf[baseKey]
	}
	sum := 0.0
	for _, v := range losses {
		sum += v
	}
	out := result{Loss: sum / float64(n), Sum: sum, Base: base, Unit: unitOf[baseKey], N: n, Classes: classes}
	out.Band = band(out.Loss, classes, lnOf[baseKey])
	if req.PerSample == nil || *req.PerSample {
		out.Losses = losses
		out.Bands = make([]string, n)
		for i, v := range losses {
			out.Bands[i] = band(v, classes, lnOf[baseKey])
		}
	}
	body, _ := json.Marshal(out)
	w.Header().Set("Content-Type", "application/json")
	w.Write(body)
	return 200
}

// accessLog writes one JSON line per request through a buffered writer, flushed every 100 ms,
// as the service batches its own lines.
type accessLog struct {
	mu  sync.Mutex
	out *bufio.Writer
}

func (l *accessLog) line(method, path string, status int, start time.Time) {
	l.mu.Lock()
	fmt.Fprintf(l.out, `{"timestamp":%q,"level":"info","message":"request","method":%q,"path":%q,"status":%d,"duration_ms":%s}`+"\n",
		start.UTC().Format(time.RFC3339Nano), method, path, status,
		strconv.FormatFloat(float64(time.Since(start).Microseconds())/1000, 'f', 3, 64))
	l.mu.Unlock()
}

func main() {
	port := flag.Int("port", 8083, "port on 127.0.0.1")
	flag.Parse()
	runtime.GOMAXPROCS(runtime.NumCPU())
	log := &accessLog{out: bufio.NewWriterSize(os.Stdout, 64<<10)}
	go func() {
		for range time.Tick(100 * time.Millisecond) {
			log.mu.Lock()
			log.out.Flush()
			log.mu.Unlock()
		}
	}()
	http.HandleFunc("/cce", func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		status := 405
		if r.Method == http.MethodPost {
			status = cce(w, r)
		} else {
			w.WriteHeader(status)
		}
		log.line(r.Method, r.URL.Path, status, start)
	})
	if err := http.ListenAndServe(fmt.Sprintf("127.0.0.1:%d", *port), nil); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
