# nureach from a notebook with its client: rates, a spectrum, a reach plot over the existing limits, CSV.
# The client is one file served by the daemon; it needs `requests` (pandas, matplotlib, tqdm optional).
import os
import sys
import tempfile
import urllib.request

BASE = os.environ.get("NUREACH_URL", "http://127.0.0.1:8080")

# 0. Fetch the client from the daemon and import it
folder = tempfile.mkdtemp()
urllib.request.urlretrieve(BASE + "/client/nureach.py", os.path.join(folder, "nureach.py"))
sys.path.insert(0, folder)
from nureach import Client, NureachError  # noqa: E402

nr = Client(BASE)

# 1. Event rates: CC events per neutrino species in FASERnu (Run 3), a DataFrame
rates = nr.rates("sm", "FASERnu")
for _, row in rates.iterrows():
    print(f"{row['channel']:10s} {row['events']:10.1f} events")

# 2. A spectrum: photon energies of the dipole portal at FASERnu2, m_N = 0.3 GeV (counts per bin)
spectrum = nr.spectrum("dipole", "FASERnu2", m_N=0.3, mu_N=1e-6)
x = spectrum.attrs["x"]
print(f"spectrum: {len(spectrum)} bins of {x['name']} [{x['unit']}], "
      f"{spectrum.attrs['events']['gamma_decay_volume']:.1f} photons above e_vis_min (= the rates signal)")

# 3. A reach: the dark photon at FASER, visible decays >= 3 events; the client polls the job
reach = nr.bounds("dark_photon", "FASER", signal="visible", threshold=3,
                  x=("m_Ap", 0.005, 1.0, 16), y=("epsilon", 1e-8, 1e-3, 16))
print(f"contour: {len(reach.contours)} region(s), max {reach.max_events:.3g} events on a 16 x 16 grid")

# 4. The plot, with the existing limits behind it (FORESEE's outlines, GET /api/v1/limits)
import matplotlib  # noqa: E402
matplotlib.use("Agg")
fig = nr.plot_reach([reach], limits=True)
fig.savefig(os.environ.get("NUREACH_PLOT", "reach.png"), dpi=100)

# 5. CSV into pandas: every GET form has a .csv twin whose '#' lines say what the numbers are.
#    A scan that is not finished answers 503 + Retry-After, so read_csv raises instead of reading a job.
import pandas as pd  # noqa: E402
grid = pd.read_csv(f"{nr.api}/bounds.csv?model=dark_photon&experiment=FASER&signal=visible&threshold=3"
                   "&scan.x.param=m_Ap&scan.x.min=0.005&scan.x.max=1&scan.x.points=16"
                   "&scan.y.param=epsilon&scan.y.min=1e-8&scan.y.max=0.001&scan.y.points=16", comment="#")
print(f"CSV: {len(grid)} grid rows, columns {', '.join(grid.columns)}")

# 6. Bad input names the field
try:
    nr.rates("dipole", "FASERnu2", m_N=-1)
except NureachError as e:
    print(f"error at {e.pointers[0]}")
