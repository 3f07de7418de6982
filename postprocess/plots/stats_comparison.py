"""The profiles of `eddyop stats` (stats-comparison.h5): U+ against y+, the rms profiles, and
-<u'v'>+ with the total stress and its equilibrium line 1 - y/h, every solver run and MKM."""
from common import Stats, arguments
import profiles

a = arguments(__doc__)
s = Stats(a.stats)
profiles.u_plus(s, a.out, a.dpi, "profiles-Uplus")
profiles.rms(s, a.out, a.dpi, "profiles-rms")
profiles.stresses(s, a.out, a.dpi, "profiles-uv", equilibrium=True)
