// Each kind of bad picture is refused with an exception that names the input and the problem.
using MnistBn.TestSupport;

namespace MnistBn.Inference.Tests;

public sealed class BadImageInputTests(ClassifierFixture fixture) : IClassFixture<ClassifierFixture>
{
    private DigitClassifier Classifier => fixture.Classifier;

    [Fact]
    public void Missing_image_file_throws_file_not_found_naming_it()
    {
        var path = Path.Combine(FixtureModels.TempFolder(), "nowhere.png");
        var error = Assert.Throws<FileNotFoundException>(() => Classifier.PredictFile(path));
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void Empty_image_file_is_refused_naming_it()
    {
        var path = FixtureModels.WriteTempFile("empty.png", []);
        var error = Assert.Throws<InvalidDataException>(() => Classifier.PredictFile(path));
        Assert.Contains(path, error.Message);
        Assert.Contains("empty", error.Message);
    }

    [Fact]
    public void Text_file_is_refused_as_not_an_image()
    {
        var path = FixtureModels.WriteTempFile("notes.png", "this is not a picture of a digit\n"u8.ToArray());
        var error = Assert.Throws<InvalidDataException>(() => Classifier.PredictFile(path));
        Assert.Contains(path, error.Message);
        Assert.Contains("not a recognised image", error.Message);
    }

    [Fact]
    public async Task Truncated_png_is_refused_as_corrupt()
    {
        var test = await MnistTestData.TestSetAsync();
        var png = TestImages.GrayPng(test.Image(0));
        var path = FixtureModels.WriteTempFile("truncated.png", png[..(png.Length * 2 / 3)]);
        var error = Assert.Throws<InvalidDataException>(() => Classifier.PredictFile(path));
        Assert.Contains(path, error.Message);
        Assert.Contains("truncated or corrupt", error.Message);
    }

    [Fact]
    public void Png_announcing_0x0_pixels_is_refused_before_decoding()
    {
        var error = Assert.Throws<InvalidDataException>(() => Classifier.PredictEncoded(TestImages.PngHeaderOnly(0, 0), "zero.png"));
        Assert.Contains("zero.png", error.Message);
        Assert.Contains("0×0", error.Message);
    }

    [Fact]
    public void Png_announcing_50000x50000_pixels_is_refused_before_decoding()
    {
        var error = Assert.Throws<InvalidDataException>(() => Classifier.PredictEncoded(TestImages.PngHeaderOnly(50_000, 50_000), "huge.png"));
        Assert.Contains("huge.png", error.Message);
        Assert.Contains("50000×50000", error.Message);
    }

    [Fact]
    public void Png_within_each_side_but_over_the_pixel_limit_names_the_pixel_limit()
    {
        var error = Assert.Throws<InvalidDataException>(() => Classifier.PredictEncoded(TestImages.PngHeaderOnly(8192, 8192), "square.png"));
        Assert.Contains("8192×8192 = 67,108,864 pixels", error.Message);
        Assert.Contains($"more than the accepted {ImageDecoder.MaxPixels:N0}", error.Message);
        Assert.DoesNotContain("accepted 8192×8192", error.Message);
    }

    [Fact]
    public void Directory_given_as_an_image_is_reported_as_a_directory()
    {
        var folder = FixtureModels.TempFolder();
        var error = Assert.Throws<FileNotFoundException>(() => Classifier.PredictFile(folder));
        Assert.Equal($"{folder}: is a directory, not an image file", error.Message);
    }

    [Fact]
    public void Raw_buffer_of_the_wrong_length_is_an_argument_error_with_the_expected_length()
    {
        var error = Assert.Throws<ArgumentException>(() => Classifier.PredictPixels(new byte[783]));
        Assert.Contains("783 bytes", error.Message);
        Assert.Contains("784", error.Message);
    }

    [Fact]
    public void Null_arguments_are_argument_null_exceptions()
    {
        Assert.Throws<ArgumentNullException>(() => Classifier.Predict((Stream)null!));
        Assert.Throws<ArgumentNullException>(() => Classifier.Predict((GrayImage)null!));
        Assert.Throws<ArgumentNullException>(() => Classifier.PredictFile(null!));
    }

    [Fact]
    public void Empty_stream_is_refused_naming_the_stream()
    {
        using var stream = new MemoryStream();
        var error = Assert.Throws<InvalidDataException>(() => Classifier.Predict(stream, "upload #42"));
        Assert.Contains("upload #42", error.Message);
    }
}
