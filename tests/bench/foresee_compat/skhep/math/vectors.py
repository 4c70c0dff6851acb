"""Three-vectors and Lorentz four-vectors with the calls FORESEE makes on `skhep.math.vectors` (a stand-in written
for tests/bench/foresee_side_by_side.py, used only when scikit-hep is not installed).

Conventions, from what FORESEE's kinematics need (src/foresee.py, Decay.twobody_decay and Foresee.boostlist):
- `LorentzVector.boost(b)` is the passive Lorentz transformation into the frame that moves with velocity b (units
  of c): p' = p + ((gamma - 1) (b.p) / b^2 - gamma E) b, E' = gamma (E - b.p). FORESEE brings a decay product from
  its mother's rest frame to the lab with `p.boost(-mother.boostvector)`, which needs this sign.
- `rotate(angle, axis)` is the active right-handed rotation about axis (Rodrigues' formula
  v cos a + (k x v) sin a + k (k.v)(1 - cos a), k the unit axis): rotating z by angle(z, p0) about z x p0 turns it
  onto p0, as FORESEE's two-body decay assumes.
- The angle between a vector and the zero vector is 0 and the unit vector of the zero vector is the zero vector:
  FORESEE decays mothers at rest and skips the rotation when that angle is 0.
- Both classes are sequences (x, y, z[, t]), so numpy.array(list of vectors) is an (n, 3) or (n, 4) float array,
  which FORESEE hands to its numba boost.
"""
import math


class Vector3D:
    """A Cartesian three-vector."""

    __slots__ = ("x", "y", "z")

    def __init__(self, x=0.0, y=0.0, z=0.0):
        self.x, self.y, self.z = float(x), float(y), float(z)

    def __len__(self):
        return 3

    def __getitem__(self, i):
        return (self.x, self.y, self.z)[i]

    def __iter__(self):
        return iter((self.x, self.y, self.z))

    def __repr__(self):
        return f"Vector3D({self.x!r}, {self.y!r}, {self.z!r})"

    def __add__(self, other):
        return Vector3D(self.x + other.x, self.y + other.y, self.z + other.z)

    def __sub__(self, other):
        return Vector3D(self.x - other.x, self.y - other.y, self.z - other.z)

    def __neg__(self):
        return Vector3D(-self.x, -self.y, -self.z)

    def __mul__(self, factor):
        factor = float(factor)
        return Vector3D(factor * self.x, factor * self.y, factor * self.z)

    __rmul__ = __mul__

    def __truediv__(self, divisor):
        return self * (1.0 / float(divisor))

    def dot(self, other):
        return self.x * other.x + self.y * other.y + self.z * other.z

    def cross(self, other):
        return Vector3D(self.y * other.z - self.z * other.y,
                        self.z * other.x - self.x * other.z,
                        self.x * other.y - self.y * other.x)

    def mag(self):
        return math.sqrt(self.dot(self))

    def mag2(self):
        return self.dot(self)

    def unit(self):
        """The unit vector along this one; the zero vector for the zero vector."""
        length = self.mag()
        return self / length if length > 0.0 else Vector3D()

    def angle(self, other):
        """Angle [rad] between the two vectors, 0 if either is the zero vector."""
        norms = self.mag() * other.mag()
        if norms == 0.0:
            return 0.0
        return math.acos(max(-1.0, min(1.0, self.dot(other) / norms)))

    def rotate(self, angle, axis):
        """This vector turned by angle [rad] about axis, right-handed (Rodrigues)."""
        k = axis.unit()
        c, s = math.cos(angle), math.sin(angle)
        return self * c + k.cross(self) * s + k * (k.dot(self) * (1.0 - c))


class LorentzVector:
    """A four-vector (x, y, z, t): a four-momentum (px, py, pz, E) or an event position."""

    __slots__ = ("x", "y", "z", "t")

    def __init__(self, x=0.0, y=0.0, z=0.0, t=0.0):
        self.x, self.y, self.z, self.t = float(x), float(y), float(z), float(t)

    def __len__(self):
        return 4

    def __getitem__(self, i):
        return (self.x, self.y, self.z, self.t)[i]

    def __iter__(self):
        return iter((self.x, self.y, self.z, self.t))

    def __repr__(self):
        return f"LorentzVector({self.x!r}, {self.y!r}, {self.z!r}, {self.t!r})"

    def __add__(self, other):
        return LorentzVector(self.x + other.x, self.y + other.y, self.z + other.z, self.t + other.t)

    def __sub__(self, other):
        return LorentzVector(self.x - other.x, self.y - other.y, self.z - other.z, self.t - other.t)

    px = property(lambda self: self.x)
    py = property(lambda self: self.y)
    pz = property(lambda self: self.z)
    e = property(lambda self: self.t)

    @property
    def vector(self):
        """The spatial part."""
        return Vector3D(self.x, self.y, self.z)

    @property
    def p(self):
        """|p|"""
        return math.sqrt(self.x * self.x + self.y * self.y + self.z * self.z)

    @property
    def pt(self):
        """momentum transverse to z"""
        return math.hypot(self.x, self.y)

    @property
    def m(self):
        """invariant mass sqrt(E^2 - p^2) (0 for a space-like or light-like vector)"""
        return math.sqrt(max(0.0, self.t * self.t - self.p ** 2))

    mass = m

    @property
    def boostvector(self):
        """velocity p / E of a particle with this four-momentum"""
        return Vector3D(self.x / self.t, self.y / self.t, self.z / self.t)

    def boost(self, b):
        """This four-vector seen from the frame moving with velocity b (|b| < 1; see the module header)."""
        b2 = b.dot(b)
        if b2 == 0.0:
            return LorentzVector(self.x, self.y, self.z, self.t)
        gamma = 1.0 / math.sqrt(1.0 - b2)
        bp = b.x * self.x + b.y * self.y + b.z * self.z
        along = (gamma - 1.0) * bp / b2 - gamma * self.t
        return LorentzVector(self.x + along * b.x, self.y + along * b.y, self.z + along * b.z, gamma * (self.t - bp))

    def rotate(self, angle, axis):
        """The spatial part turned by angle [rad] about axis (right-handed); t unchanged."""
        v = self.vector.rotate(angle, axis)
        return LorentzVector(v.x, v.y, v.z, self.t)
