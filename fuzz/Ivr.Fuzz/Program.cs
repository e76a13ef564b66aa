using Ivr.Fuzz.Targets;
using SharpFuzz;

// AFL++ harness: `dotnet Ivr.Fuzz.dll <target>` under afl-fuzz (scripts/fuzz.sh), or `dotnet Ivr.Fuzz.dll <target> <file>...`
// to run files once outside AFL (a crash prints its exception).
if (args.Length == 0 || FuzzTarget.Find(args[0]) is not { } target)
{
    Console.Error.WriteLine($"usage: Ivr.Fuzz <{string.Join('|', FuzzTarget.Names)}> [file...]");
    return 2;
}

if (args.Length > 1)
{
    foreach (var file in args.Skip(1))
    {
        target(File.ReadAllBytes(file));
        Console.WriteLine($"ok {file}");
    }

    return 0;
}

Fuzzer.OutOfProcess.Run(stream =>
{
    using var copy = new MemoryStream();
    stream.CopyTo(copy);
    target(copy.ToArray());
});
return 0;
