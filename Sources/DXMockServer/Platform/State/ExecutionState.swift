import DXWire

/// A job or an analysis (an execution): what it ran, where, with which input, and where its scripted
/// life is.
///
/// The mock runs no code: an ``ExecutionPlan`` (the default, or an execution rule's) decides when the
/// execution moves on and how it ends. Stored as one JSON row per execution in the state file.
struct ExecutionState: Sendable, Codable, Equatable {
  /// `job-…` or `analysis-…`.
  var id: String
  /// `"job"` or `"analysis"`.
  var klass: String
  var name: String
  /// The applet, app, workflow or global-workflow ID that was run.
  var executable: String
  /// The executable's name (the app's or applet's name, the workflow's name).
  var executableName: String
  /// The app ID when an app was run.
  var app: String?
  /// The applet ID when an applet was run.
  var applet: String?
  /// The workflow ID of an analysis.
  var workflow: String?
  var project: String
  /// The output folder.
  var folder: String
  /// The temporary `container-…` of the job tree, while it exists.
  var workspace: String?
  var state: String
  var transitions: [ExecutionTransition] = []
  var created: Int
  var modified: Int
  var startedRunning: Int?
  var stoppedRunning: Int?
  var launchedBy: String
  var rootExecution: String
  var parentJob: String?
  /// The origin job of a job's tree (itself for a job that is not a sub-job); `nil` for analyses.
  var originJob: String?
  var parentAnalysis: String?
  /// For a stage's job: the analysis and the stage ID.
  var analysis: String?
  var stage: String?
  /// The entry point (`"main"` unless a sub-job was created for another function).
  var function: String = "main"
  /// The input as given, with defaults (`originalInput`), and resolved (`input`).
  var runInput: DXJSON = [:]
  var originalInput: DXJSON = [:]
  var input: DXJSON = [:]
  var output: DXJSON?
  var dependsOn: [String] = []
  var tags: [String] = []
  var properties: [String: String] = [:]
  var details: DXJSON = [:]
  var priority: String = "normal"
  var instanceType: String?
  /// The merged system requirements (by entry point).
  var systemRequirements: DXJSON = [:]
  var runSystemRequirements: DXJSON?
  var runSystemRequirementsByExecutable: DXJSON?
  var mergedSystemRequirementsByExecutable: DXJSON?
  var executionPolicy: DXJSON?
  var costLimit: Double?
  var ignoreReuse: Bool = false
  var detach: Bool = false
  var delayWorkspaceDestruction: Bool = false
  var allowSSH: [String]?
  var rank: Int?
  var billTo: String
  var region: String
  var failureReason: String?
  var failureMessage: String?
  /// The execution a failure came from, when it is another one.
  var failureFrom: String?
  /// An analysis's stages, in order, each with the job that runs it.
  var stages: [AnalysisStage] = []
  /// The workflow as it was when the analysis started (its describe).
  var workflowSnapshot: DXJSON?
  /// Sub-jobs and stage jobs, in creation order.
  var children: [String] = []
  /// What the rules scripted.
  var plan: ExecutionPlan
  /// How many times it was described while not finished (for plans that finish after N describes).
  var describes: Int = 0
  /// When the next scripted step happens (ms), or `nil` when it waits for something else.
  var dueAt: Int?
  /// The log lines written so far.
  var log: [ExecutionLogLine] = []
  /// The API tokens the job's code would hold (the job token and identity tokens), while it runs.
  var tokens: [String] = []

  /// Whether the execution has finished (`done`, `failed` or `terminated`).
  var isTerminal: Bool { Self.terminalStates.contains(state) }

  /// The states an execution never leaves.
  static let terminalStates: Set<String> = ["done", "failed", "terminated"]

  /// Every state a job or analysis can be in.
  static let states: Set<String> = [
    "idle", "waiting_on_input", "runnable", "running", "waiting_on_output", "done", "failed", "terminating",
    "terminated", "debug_hold", "restartable", "in_progress", "partially_failed",
  ]
}

/// One entry of `stateTransitions`.
struct ExecutionTransition: Sendable, Codable, Equatable {
  var newState: String
  var setAt: Int
}

/// One stage of an analysis: the workflow's stage ID and the job running it.
struct AnalysisStage: Sendable, Codable, Equatable {
  var id: String
  var execution: String
}

/// One log line of a job, as `dx watch` receives it.
struct ExecutionLogLine: Sendable, Codable, Equatable {
  var timestamp: Int
  /// `"APP"` or `"SYSTEM"`.
  var source: String
  /// `"STDOUT"`, `"STDERR"`, `"INFO"`, …
  var level: String
  var msg: String
}

/// What an execution does, decided when it is created (the default plan, or a rule's).
struct ExecutionPlan: Sendable, Codable, Equatable {
  /// How it ends.
  enum Outcome: String, Sendable, Codable {
    /// `done` with ``output`` (or outputs made from the output specification).
    case done
    /// `failed` with ``failureReason`` and ``failureMessage``.
    case failed
    /// `running` until terminated (or moved by hand).
    case running
  }

  var outcome: Outcome = .done
  /// The output to finish with, instead of one made from the output specification.
  var output: DXJSON?
  var failureReason: String = "AppError"
  var failureMessage: String = "The job failed"
  /// Milliseconds from `runnable` to the end.
  var durationMs: Int
  /// Finish after this many describes (when set), even before ``durationMs``.
  var describes: Int?
  /// The lines the job logs (at level `STDOUT` unless a line gives its own).
  var log: [ExecutionLogLine] = []
  /// The rule that chose the plan, if any.
  var rule: String?
}
