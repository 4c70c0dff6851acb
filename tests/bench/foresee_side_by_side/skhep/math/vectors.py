# minimal stand-in for scikit-hep's vectors (only what FORESEE uses), written for this comparison
import math
class Vector3D:
    def __init__(self, x=0., y=0., z=0.): self.x, self.y, self.z = float(x), float(y), float(z)
    def mag(self): return math.sqrt(self.x**2 + self.y**2 + self.z**2)
    def unit(self):
        m = self.mag(); return Vector3D(self.x/m, self.y/m, self.z/m) if m > 0 else Vector3D(0., 0., 0.)
    def dot(self, o): return self.x*o.x + self.y*o.y + self.z*o.z
    def cross(self, o): return Vector3D(self.y*o.z - self.z*o.y, self.z*o.x - self.x*o.z, self.x*o.y - self.y*o.x)
    def angle(self, o):
        n = self.mag()*o.mag()
        if n == 0: return 0.0
        c = self.dot(o) / n; return math.acos(max(-1., min(1., c)))
    def __mul__(self, a): return Vector3D(self.x*a, self.y*a, self.z*a)
    __rmul__ = __mul__
    def __add__(self, o): return Vector3D(self.x+o.x, self.y+o.y, self.z+o.z)
    def __sub__(self, o): return Vector3D(self.x-o.x, self.y-o.y, self.z-o.z)
    def __neg__(self): return Vector3D(-self.x, -self.y, -self.z)
    def rotate(self, angle, axis):
        k = axis * (1.0/axis.mag()); c, s = math.cos(angle), math.sin(angle)
        return self*c + k.cross(self)*s + k*(k.dot(self)*(1-c))
    def __getitem__(self, i): return (self.x, self.y, self.z)[i]
class LorentzVector:
    def __init__(self, x=0., y=0., z=0., t=0.): self.x, self.y, self.z, self.t = float(x), float(y), float(z), float(t)
    px = property(lambda s: s.x); py = property(lambda s: s.y); pz = property(lambda s: s.z); e = property(lambda s: s.t)
    @property
    def vector(self): return Vector3D(self.x, self.y, self.z)
    @property
    def p(self): return math.sqrt(self.x**2 + self.y**2 + self.z**2)
    @property
    def pt(self): return math.sqrt(self.x**2 + self.y**2)
    @property
    def m(self): return math.sqrt(max(0., self.t**2 - self.x**2 - self.y**2 - self.z**2))
    mass = m
    @property
    def boostvector(self): return Vector3D(self.x/self.t, self.y/self.t, self.z/self.t)
    def boost(self, b):
        b2 = b.dot(b)
        if b2 == 0: return LorentzVector(self.x, self.y, self.z, self.t)
        g = 1.0/math.sqrt(1.0 - b2); bp = b.x*self.x + b.y*self.y + b.z*self.z
        g2 = (g - 1.0)/b2
        return LorentzVector(self.x + g2*bp*b.x + g*b.x*self.t, self.y + g2*bp*b.y + g*b.y*self.t,
                             self.z + g2*bp*b.z + g*b.z*self.t, g*(self.t + bp))
    def rotate(self, angle, axis):
        v = self.vector.rotate(angle, axis); return LorentzVector(v.x, v.y, v.z, self.t)
    def __add__(self, o): return LorentzVector(self.x+o.x, self.y+o.y, self.z+o.z, self.t+o.t)
    def __getitem__(self, i): return (self.x, self.y, self.z, self.t)[i]
