import DXFuzzing
import Foundation

// Built by `make fuzz` with -sanitize=fuzzer -DFUZZING: libFuzzer's driver runs the target (see
// FuzzDriver.libFuzzerMain; whichever `main` the linker keeps, SwiftPM's or libFuzzer's, the input
// goes to the same function). Built plainly (as `make test` does), it runs the inputs named on its
// command line (files or directories; default the committed corpus) once each.
#if FUZZING
  @_cdecl("LLVMFuzzerTestOneInput")
  func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    FuzzDriver.runOne("request-encoder", data, size)
  }

  exit(FuzzDriver.libFuzzerMain { data, size in FuzzDriver.runOne("request-encoder", data, size) })
#else
  FuzzDriver.replay("request-encoder")
#endif
