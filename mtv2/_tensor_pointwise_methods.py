"""Tensor's pointwise-math methods (ops/elementwise.py, ops/pointwise_math.py): clamp, rounding, special
functions, predicates... Split from _tensor_methods.py to keep each file readable; TensorMethods inherits this."""
# The op modules import Tensor: methods reach them through the package at call time.
from . import ops as _ops


class TensorPointwiseMethods:
    __slots__ = ()

    # ---- pointwise math (ops/elementwise.py, ops/pointwise_math.py)

    def sign_(self):
        return _ops.inplace.apply_inplace(self, _ops.elementwise.sign, "sign_")

    def rsqrt(self):
        return _ops.pointwise_math.rsqrt(self)

    def rsqrt_(self):
        return _ops.inplace.apply_inplace(self, _ops.pointwise_math.rsqrt, "rsqrt_")

    def reciprocal(self):
        return _ops.pointwise_math.reciprocal(self)

    def reciprocal_(self):
        return _ops.inplace.apply_inplace(self, _ops.pointwise_math.reciprocal, "reciprocal_")

    def exp2(self):
        return _ops.pointwise_math.exp2(self)

    def exp2_(self):
        return _ops.inplace.apply_inplace(self, _ops.pointwise_math.exp2, "exp2_")

    def expm1(self):
        return _ops.pointwise_math.expm1(self)

    def expm1_(self):
        return _ops.inplace.apply_inplace(self, _ops.pointwise_math.expm1, "expm1_")

    def log1p(self):
        return _ops.pointwise_math.log1p(self)

    def log1p_(self):
        return _ops.inplace.apply_inplace(self, _ops.pointwise_math.log1p, "log1p_")

    def log2(self):
        return _ops.pointwise_math.log2(self)

    def log2_(self):
        return _ops.inplace.apply_inplace(self, _ops.pointwise_math.log2, "log2_")

    def log10(self):
        return _ops.pointwise_math.log10(self)

    def log10_(self):
        return _ops.inplace.apply_inplace(self, _ops.pointwise_math.log10, "log10_")

    def erf(self):
        return _ops.pointwise_math.erf(self)

    def erf_(self):
        return _ops.inplace.apply_inplace(self, _ops.pointwise_math.erf, "erf_")

    def erfc(self):
        return _ops.pointwise_math.erfc(self)

    def erfc_(self):
        return _ops.inplace.apply_inplace(self, _ops.pointwise_math.erfc, "erfc_")

    def erfinv(self):
        return _ops.pointwise_math.erfinv(self)

    def erfinv_(self):
        return _ops.inplace.apply_inplace(self, _ops.pointwise_math.erfinv, "erfinv_")

    def tan(self):
        return _ops.pointwise_math.tan(self)

    def tan_(self):
        return _ops.inplace.apply_inplace(self, _ops.pointwise_math.tan, "tan_")

    def asin(self):
        return _ops.pointwise_math.asin(self)

    def asin_(self):
        return _ops.inplace.apply_inplace(self, _ops.pointwise_math.asin, "asin_")

    def acos(self):
        return _ops.pointwise_math.acos(self)

    def acos_(self):
        return _ops.inplace.apply_inplace(self, _ops.pointwise_math.acos, "acos_")

    def atan(self):
        return _ops.pointwise_math.atan(self)

    def atan_(self):
        return _ops.inplace.apply_inplace(self, _ops.pointwise_math.atan, "atan_")

    def sinh(self):
        return _ops.pointwise_math.sinh(self)

    def sinh_(self):
        return _ops.inplace.apply_inplace(self, _ops.pointwise_math.sinh, "sinh_")

    def cosh(self):
        return _ops.pointwise_math.cosh(self)

    def cosh_(self):
        return _ops.inplace.apply_inplace(self, _ops.pointwise_math.cosh, "cosh_")

    def asinh(self):
        return _ops.pointwise_math.asinh(self)

    def asinh_(self):
        return _ops.inplace.apply_inplace(self, _ops.pointwise_math.asinh, "asinh_")

    def acosh(self):
        return _ops.pointwise_math.acosh(self)

    def acosh_(self):
        return _ops.inplace.apply_inplace(self, _ops.pointwise_math.acosh, "acosh_")

    def atanh(self):
        return _ops.pointwise_math.atanh(self)

    def atanh_(self):
        return _ops.inplace.apply_inplace(self, _ops.pointwise_math.atanh, "atanh_")

    def square(self):
        return _ops.pointwise_math.square(self)

    def square_(self):
        return _ops.inplace.apply_inplace(self, _ops.pointwise_math.square, "square_")

    def sgn(self):
        return _ops.pointwise_math.sgn(self)

    def sgn_(self):
        return _ops.inplace.apply_inplace(self, _ops.pointwise_math.sgn, "sgn_")

    def floor(self):
        return _ops.pointwise_math.floor(self)

    def floor_(self):
        return _ops.inplace.apply_inplace(self, _ops.pointwise_math.floor, "floor_")

    def ceil(self):
        return _ops.pointwise_math.ceil(self)

    def ceil_(self):
        return _ops.inplace.apply_inplace(self, _ops.pointwise_math.ceil, "ceil_")

    def trunc(self):
        return _ops.pointwise_math.trunc(self)

    def trunc_(self):
        return _ops.inplace.apply_inplace(self, _ops.pointwise_math.trunc, "trunc_")

    def frac(self):
        return _ops.pointwise_math.frac(self)

    def frac_(self):
        return _ops.inplace.apply_inplace(self, _ops.pointwise_math.frac, "frac_")

    def round(self, *, decimals=None):
        return _ops.pointwise_math.round(self, decimals=decimals)

    def round_(self, *, decimals=None):
        return _ops.inplace.apply_inplace(self, _ops.pointwise_math.round, "round_", decimals=decimals)

    def atan2(self, other):
        return _ops.pointwise_math.atan2(self, other)

    def atan2_(self, other):
        return _ops.inplace.apply_inplace(self, _ops.pointwise_math.atan2, "atan2_", other)

    arctan2, arctan2_ = atan2, atan2_

    def clamp(self, min=None, max=None):
        return _ops.pointwise_math.clamp(self, min, max)

    def clamp_(self, min=None, max=None):
        return _ops.inplace.apply_inplace(self, _ops.pointwise_math.clamp, "clamp_", min, max)

    clip, clip_ = clamp, clamp_

    def clamp_min(self, min):
        return _ops.pointwise_math.clamp_min(self, min)

    def clamp_min_(self, min):
        return _ops.inplace.apply_inplace(self, _ops.pointwise_math.clamp_min, "clamp_min_", min)

    def clamp_max(self, max):
        return _ops.pointwise_math.clamp_max(self, max)

    def clamp_max_(self, max):
        return _ops.inplace.apply_inplace(self, _ops.pointwise_math.clamp_max, "clamp_max_", max)

    def lerp(self, end, weight):
        return _ops.pointwise_math.lerp(self, end, weight)

    def lerp_(self, end, weight):
        return _ops.inplace.apply_inplace(self, _ops.pointwise_math.lerp, "lerp_", end, weight)

    def addcmul(self, tensor1, tensor2, *, value=1):
        return _ops.pointwise_math.addcmul(self, tensor1, tensor2, value=value)

    def addcmul_(self, tensor1, tensor2, *, value=1):
        return _ops.inplace.apply_inplace(self, _ops.pointwise_math.addcmul, "addcmul_", tensor1, tensor2,
                                          value=value)

    def addcdiv(self, tensor1, tensor2, *, value=1):
        return _ops.pointwise_math.addcdiv(self, tensor1, tensor2, value=value)

    def addcdiv_(self, tensor1, tensor2, *, value=1):
        return _ops.inplace.apply_inplace(self, _ops.pointwise_math.addcdiv, "addcdiv_", tensor1, tensor2,
                                          value=value)

    def isnan(self):
        return _ops.pointwise_math.isnan(self)

    def isinf(self):
        return _ops.pointwise_math.isinf(self)

    def isposinf(self):
        return _ops.pointwise_math.isposinf(self)

    def isneginf(self):
        return _ops.pointwise_math.isneginf(self)

    def isfinite(self):
        return _ops.pointwise_math.isfinite(self)

    def nan_to_num(self, nan=0.0, posinf=None, neginf=None):
        return _ops.pointwise_math.nan_to_num(self, nan, posinf, neginf)

    def nan_to_num_(self, nan=0.0, posinf=None, neginf=None):
        return _ops.inplace.apply_inplace(self, _ops.pointwise_math.nan_to_num, "nan_to_num_", nan, posinf, neginf)
