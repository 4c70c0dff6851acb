# Interpolated N >= 3 crossings on a coupling grid (issue 10 side-by-side with FORESEE).
import numpy as np
def edges(couplings, nsig, need=3.0):
    """log10 of the lowest and highest coupling with N >= need, interpolated linearly in (log10 g, log10 N)."""
    lg, ln = np.log10(couplings), np.log10(np.maximum(nsig, 1e-300))
    ok = nsig >= need
    if not ok.any(): return None, None
    i, j = np.argmax(ok), len(ok) - 1 - np.argmax(ok[::-1])
    def cross(a, b):
        t = (np.log10(need) - ln[a]) / (ln[b] - ln[a]); return lg[a] + t * (lg[b] - lg[a])
    lo = cross(i - 1, i) if i > 0 else lg[0]
    hi = cross(j, j + 1) if j + 1 < len(lg) else lg[-1]
    return lo, hi
