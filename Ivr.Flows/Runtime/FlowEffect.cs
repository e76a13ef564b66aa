namespace Ivr.Flows.Runtime;

/// <summary>Something a run asks its host to do. Effects are small immutable records; <see cref="EndedEffect"/> is always the last.</summary>
public abstract record FlowEffect;
