namespace Ivr.Flows.Model;

/// <summary>A test in a <c>branch</c> step.</summary>
public abstract record Condition(string Pointer);

/// <summary>Operators of a variable condition.</summary>
public enum ConditionOp
{
    Equals,
    NotEquals,
    StartsWith,
    Matches,
    In,
    Empty,
    NotEmpty,
    LessThan,
    GreaterThan,
}

/// <summary>Compares a variable with a value (or values for <see cref="ConditionOp.In"/>).</summary>
public sealed record VarCondition(string Var, ConditionOp Op, IReadOnlyList<string> Values, string Pointer) : Condition(Pointer);

/// <summary>True when the named calendar is open (or closed, when <see cref="WhenOpen"/> is false) now.</summary>
public sealed record CalendarCondition(string Calendar, bool WhenOpen, string Pointer) : Condition(Pointer);

/// <summary>True when every inner condition is.</summary>
public sealed record AllCondition(IReadOnlyList<Condition> Conditions, string Pointer) : Condition(Pointer);

/// <summary>True when any inner condition is.</summary>
public sealed record AnyCondition(IReadOnlyList<Condition> Conditions, string Pointer) : Condition(Pointer);

/// <summary>Negates the inner condition.</summary>
public sealed record NotCondition(Condition Inner, string Pointer) : Condition(Pointer);
