using System.Globalization;
using System.Text.RegularExpressions;
using Ivr.Flows.Model;

namespace Ivr.Flows.Runtime;

/// <summary>A branch condition with variable slots, regexes and calendars resolved at compile time.</summary>
internal abstract class CompiledCondition
{
    public abstract bool Evaluate(string[] values, TimeProvider time);

    public static CompiledCondition Compile(Condition condition, FlowCompileContext ctx) => condition switch
    {
        VarCondition v => new Var(ctx.Variables.Slot(v.Var), v.Op, [.. v.Values],
            v.Op == ConditionOp.Matches && v.Values.Count > 0 ? ctx.Regex(v.Values[0], false, v.Pointer) : null),
        CalendarCondition c => CompileCalendar(c, ctx),
        AllCondition a => new All([.. a.Conditions.Select(x => Compile(x, ctx))]),
        AnyCondition a => new Any([.. a.Conditions.Select(x => Compile(x, ctx))]),
        NotCondition n => new Not(Compile(n.Inner, ctx)),
        _ => Fail(ctx, condition),
    };

    private static CompiledCondition Fail(FlowCompileContext ctx, Condition condition)
    {
        ctx.Error($"unsupported condition {condition.GetType().Name}", condition.Pointer);
        return new Not(new All([]));
    }

    private static CompiledCondition CompileCalendar(CalendarCondition c, FlowCompileContext ctx)
    {
        if (!ctx.Document.Calendars.TryGetValue(c.Calendar, out var calendar))
        {
            ctx.Error($"unknown calendar '{c.Calendar}'", c.Pointer);
            return new Not(new All([]));
        }
        try
        {
            TimeZoneInfo.FindSystemTimeZoneById(calendar.TimeZone);
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            ctx.Error($"unknown time zone '{calendar.TimeZone}'", calendar.Pointer);
        }
        return new Open(calendar, c.WhenOpen);
    }

    private sealed class Var(int slot, ConditionOp op, string[] values, Regex? regex) : CompiledCondition
    {
        public override bool Evaluate(string[] vars, TimeProvider time)
        {
            var v = vars[slot];
            var first = values.Length > 0 ? values[0] : string.Empty;
            return op switch
            {
                ConditionOp.Equals => string.Equals(v, first, StringComparison.Ordinal),
                ConditionOp.NotEquals => !string.Equals(v, first, StringComparison.Ordinal),
                ConditionOp.StartsWith => v.StartsWith(first, StringComparison.Ordinal),
                ConditionOp.Matches => regex is not null && SafeMatch(regex, v),
                ConditionOp.In => Array.IndexOf(values, v) >= 0,
                ConditionOp.Empty => v.Length == 0,
                ConditionOp.NotEmpty => v.Length > 0,
                ConditionOp.LessThan => Number(v, out var a) && Number(first, out var b) && a < b,
                ConditionOp.GreaterThan => Number(v, out var a) && Number(first, out var b) && a > b,
                _ => false,
            };
        }

        private static bool Number(string s, out double d) =>
            double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out d);
    }

    internal static bool SafeMatch(Regex regex, string input)
    {
        try
        {
            return regex.IsMatch(input);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }

    private sealed class Open(Model.Calendar calendar, bool whenOpen) : CompiledCondition
    {
        public override bool Evaluate(string[] values, TimeProvider time)
        {
            bool open;
            try
            {
                open = calendar.IsOpen(time.GetUtcNow());
            }
            catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
            {
                open = false;
            }
            return open == whenOpen;
        }
    }

    private sealed class All(CompiledCondition[] inner) : CompiledCondition
    {
        public override bool Evaluate(string[] values, TimeProvider time)
        {
            foreach (var c in inner) if (!c.Evaluate(values, time)) return false;
            return true;
        }
    }

    private sealed class Any(CompiledCondition[] inner) : CompiledCondition
    {
        public override bool Evaluate(string[] values, TimeProvider time)
        {
            foreach (var c in inner) if (c.Evaluate(values, time)) return true;
            return false;
        }
    }

    private sealed class Not(CompiledCondition inner) : CompiledCondition
    {
        public override bool Evaluate(string[] values, TimeProvider time) => !inner.Evaluate(values, time);
    }
}
