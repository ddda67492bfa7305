"""Exposure science shared by the modules: response functions (:mod:`.response_function`)."""

from ehrisk.exposure.response_function import (
    GEMM,
    BoundedResponseFunction,
    LogLinear,
    ResponseFunction,
    gemm_rr,
    log_linear_rr,
)

__all__ = ["GEMM", "BoundedResponseFunction", "LogLinear", "ResponseFunction", "gemm_rr",
           "log_linear_rr"]
