"""The package's version: the library's, meson.build's project(version:).
The python-install test fails when the two differ."""
__version__ = "0.1.0"
