#if FUZZING
  extension FuzzDriver {
    /// The libFuzzer build's `main` (`make fuzz` compiles with `-sanitize=fuzzer -DFUZZING`): runs
    /// libFuzzer's driver on the command line with `callback` as the fuzzed function.
    ///
    /// SwiftPM links an executable target's entry point under its own name (`fuzz_json_main`) and
    /// points `main` at it, so libFuzzer's own `main` is never linked in; the target's top-level code
    /// calls this instead, as a program that "provides its own main" does (`LLVMFuzzerRunDriver`).
    public static func libFuzzerMain(_ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt
    {
      var count = CommandLine.argc
      var arguments: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
      return LLVMFuzzerRunDriver(&count, &arguments, callback)
    }
  }

  /// libFuzzer's driver for programs with their own `main` (in `libclang_rt.fuzzer`, linked by
  /// `-sanitize=fuzzer`): `int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*cb)(const uint8_t *,
  /// size_t))`.
  @_silgen_name("LLVMFuzzerRunDriver")
  func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
  ) -> CInt
#endif
