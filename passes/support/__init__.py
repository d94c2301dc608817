"""Helpers shared by the passes (not passes themselves): building loop nests,
and the LLVM-dialect types and casts of the `convert-*-to-llvm` passes."""
