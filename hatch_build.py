"""Hatchling hook: put the published data package inside regular wheels (not editable ones)."""

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

# docs/ and CITATION.cff too: the descriptor lists them (generated_files), so `validate` checks them.
PACKAGE_DATA = ("datapackage.json", "croissant.json", "datasets", "docs", "CITATION.cff", "raw", "validation")


class PackageDataHook(BuildHookInterface):
    def initialize(self, version, build_data):
        if self.target_name != "wheel" or version != "standard":
            return
        for name in PACKAGE_DATA:
            build_data["force_include"][name] = f"belarus_china/_package/{name}"
