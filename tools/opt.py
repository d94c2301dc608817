"""`scanjit-opt`: xDSL's `xdsl-opt` with scanjit's dialects and passes added."""

from xdsl.xdsl_opt_main import xDSLOptMain

from scanjit.dialects import ALL_DIALECTS
from scanjit.passes import PASSES


class ScanjitOptMain(xDSLOptMain):
    def register_all_dialects(self):
        super().register_all_dialects()
        for name, dialect in ALL_DIALECTS.items():
            self.ctx.register_dialect(name, lambda d=dialect: d)

    def register_all_passes(self):
        super().register_all_passes()
        for name, factory in PASSES.items():
            self.register_pass(name, factory)


def main() -> None:
    ScanjitOptMain().run()


if __name__ == "__main__":
    main()
