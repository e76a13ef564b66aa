namespace Ivr.Flows.Simulation;

/// <summary>One kind of coverage (steps, menu choices, retry handlers, branch cases): how many items were reached, and which not.</summary>
/// <param name="Name"><c>steps</c>, <c>choices</c>, <c>handlers</c> or <c>branches</c>.</param>
/// <param name="Covered">Items some scenario reached.</param>
/// <param name="Total">All items.</param>
/// <param name="Missed">Items no scenario reached (<c>main_menu noInput</c>, <c>check_vip when #1</c>…).</param>
public sealed record CoverageSection(string Name, int Covered, int Total, IReadOnlyList<string> Missed)
{
    /// <summary>Covered / total as a percentage (100 when there is nothing to cover).</summary>
    public double Percent => Total == 0 ? 100 : 100.0 * Covered / Total;
}
