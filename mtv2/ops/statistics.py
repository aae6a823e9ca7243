"""Order statistics, counting and searching: median, quantile, kthvalue, mode, cummax/cummin, bincount, histc,
searchsorted, unique, each op's derivative beside it."""
