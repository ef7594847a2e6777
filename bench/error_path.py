"""Times the error-path bodies of bench/error-path.sh against one running service (URL given).
Loopback only; each request has a 120 s timeout, each readable body is sent 5 times."""
import sys
import time
import urllib.error
import urllib.request

URL = sys.argv[1]
DEEP = "[0,0,0,0,0,0,0,0,0,0," * 500
DEEP = DEEP[:-1] + "]" * 500
NAMES = ["a", "zz", "padding", "m100000", "junk", "predictionz", "~1", "x/y"]


def body(name, convention):
    return ('{"predictions":[[0.5,0.5]],"labels":[1],"convention":"%s","%s":%s}' % (convention, name, DEEP)).encode()


def timed(data, repeats):
    best, status = float("inf"), 0
    for _ in range(repeats):
        request = urllib.request.Request(URL + "/cce", data=data, headers={"Content-Type": "application/json"})
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=120) as answer:
                answer.read()
                status = answer.status
        except urllib.error.HTTPError as error:
            error.read()
            status = error.code
        best = min(best, time.perf_counter() - started)
    return best * 1000, status


timed(body("warm-up", "sklearn"), 3)  # the process's first requests pay for its warm-up
worst_bad = worst_good = 0.0
for name in NAMES:
    bad, bad_status = timed(body(name, "\\ud800"), 1)
    good, good_status = timed(body(name, "sklearn"), 5)
    worst_bad, worst_good = max(worst_bad, bad), max(worst_good, good)
    print(f"member {name!r} ({len(body(name, 'sklearn'))} B): unreadable string {bad:.1f} ms ({bad_status}), "
          f"readable {good:.1f} ms ({good_status})")
print(f"worst: unreadable {worst_bad:.1f} ms, readable {worst_good:.1f} ms, ratio {worst_bad / worst_good:.1f}")
