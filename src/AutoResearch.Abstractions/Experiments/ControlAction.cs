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
}
