import DXFuzzing

// Built by `make fuzz` with -sanitize=fuzzer -parse-as-library -DFUZZING: libFuzzer's main calls the
// entry point below. Built plainly (as `make test` does), it runs the inputs named on its command
// line (files or directories; default the committed corpus) once each.
#if FUZZING
  @_cdecl("LLVMFuzzerTestOneInput")
  public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    FuzzDriver.runOne("execution-rules", data, size)
  }
#else
  let replayed = FuzzDriver.replay("execution-rules")
#endif
