using Ivr.Engine.Speech;

namespace Ivr.Tests.Speech;

public class PronunciationDictionaryTests
{
    [Fact]
    public void NarrowbandVariants_EachSAsTh_NamedAfterTheLastAlternate()
    {
        var path = Path.Combine(SpeechTestAudio.TempFolder("dict"), "test.dict");
        File.WriteAllLines(path,
        [
            "six S IH K S",
            "sales S EY L Z",
            "sales(2) TH EY L Z", // already the S→TH variant of "sales": not added again
            "sales(5) TH EY L S", // numbering with a gap: new variants count on from 5
            "one W AH N",
        ]);
        var dictionary = PronunciationDictionary.Load(path);

        Assert.Equal(
            [new PronunciationVariant("six(2)", "TH IH K S"), new PronunciationVariant("six(3)", "S IH K TH")],
            dictionary.NarrowbandVariants("six"));
        Assert.Equal([new PronunciationVariant("sales(6)", "TH EY L TH")], dictionary.NarrowbandVariants("sales"));
        Assert.Empty(dictionary.NarrowbandVariants("one"));
        Assert.Empty(dictionary.NarrowbandVariants("frobnozzle"));
    }

    [Fact]
    public void NarrowbandVariants_DebianDictionary_SevenGetsOneVariant()
    {
        var dictionary = PronunciationDictionary.Load(PocketSphinxOptions.Default.Dictionary);

        var variant = Assert.Single(dictionary.NarrowbandVariants("seven"));

        Assert.Equal("TH EH V AH N", variant.Phones);
        Assert.DoesNotContain(variant.Phones, dictionary.Pronunciations("seven"));
        Assert.StartsWith("seven(", variant.Name, StringComparison.Ordinal);
    }
}
