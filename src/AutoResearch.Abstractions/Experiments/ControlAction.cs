namespace AutoResearch.Abstractions.Experiments;

/// <summary>What a person (CLI, console, API) asks a running campaign or one of its agents to do.</summary>
[GenerateSerializer, Alias("AutoResearch.ControlAction")]
public enum ControlAction
{
    Pause = 0,
    Resume = 1,
    Stop = 2,

    /// <summary>Raise or lower budgets (<see cref="ControlRequest.Budget"/>).</summary>
    SetBudget = 3,

    /// <summary>Stop one running (or queued) experiment (<see cref="ControlRequest.ExperimentSequence"/>); its agent goes on with its next proposal.</summary>
    StopExperiment = 4,

    /// <summary>Change the deadline, the most experiments or the slots while the campaign runs (<see cref="ControlRequest.Limits"/>).</summary>
    SetLimits = 5,

    /// <summary>Queue a person's configuration (<see cref="ControlRequest.Parameters"/>) as the next proposal of an agent (or any).</summary>
    TryConfiguration = 6,

    /// <summary>Let an experiment awaiting approval (<see cref="ControlRequest.ExperimentSequence"/>) run.</summary>
    ApproveExperiment = 7,

    /// <summary>Refuse an experiment awaiting approval: it is recorded as rejected by a person and its agent goes on.</summary>
    RejectExperiment = 8,
}
