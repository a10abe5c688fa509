"""belarus_china: the curated Belarus–China data package, loadable in one line.

>>> import belarus_china as bc
>>> bc.load("quotes")            # a DataFrame with the registry's dtypes
>>> bc.tables(), bc.datapackage_path()
"""

from .loader import DataPackageError, datapackage_path, load, load_all, tables

__all__ = ["DataPackageError", "datapackage_path", "load", "load_all", "tables"]
