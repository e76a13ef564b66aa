namespace Ivr.Flows.Simulation;

/// <summary>
/// What a simulated service answers an <c>http</c> step: a status and a body after <paramref name="Delay"/> seconds, or a
/// failure (<paramref name="Error"/>, one of <see cref="Runtime.HttpErrors"/>: <c>timeout</c>, <c>network</c>,
/// <c>breaker-open</c>…). A delay at or past the step's timeout is a <c>timeout</c>.
/// </summary>
/// <param name="Status">The HTTP status (default 200).</param>
/// <param name="Body">The body as text (a JSON value in a scenario file is sent as its JSON text).</param>
/// <param name="Delay">Seconds before the answer; the simulation's clock moves on by it.</param>
/// <param name="Error">A failure instead of an answer.</param>
public sealed record HttpStub(int Status = 200, string? Body = null, double Delay = 0, string? Error = null);
