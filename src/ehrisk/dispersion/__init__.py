"""Gaussian plume dispersion (扩散模型): point sources with Briggs plume rise, Briggs and
Pasquill-Gifford sigmas, ground and mixing-lid reflections, area/volume sources as virtual
points, Turner stability from surface observations, STAR joint frequencies, long-term
(ISCLT sector average) and hour-by-hour modes, and unit-emission source-receptor matrices.

Modules: ``sigma``, ``plume_rise``, ``gaussian`` (numpy formulas), ``kernel`` (numba),
``met``, ``longterm``, ``hourly``, ``srm``, ``sources``, ``grid``. See docs/dispersion.md.
"""
