// The report's machine facts: the instruction set the numbers were computed with is named, as .NET
// uses it here, because results reproduce per instruction set and thread count.
using System.Runtime.Intrinsics.X86;
using MnistBn.Training.Report;

namespace MnistBn.Training.Tests.Report;

public sealed class MachineInfoReaderTests
{
    [Fact]
    public void Instruction_set_is_the_widest_that_dotnet_uses_here()
    {
        var expected = Avx512F.IsSupported ? "AVX-512" : Avx2.IsSupported ? "AVX2" : Sse2.IsSupported ? "SSE only" : null;

        var info = MachineInfoReader.Read(trainingThreads: 2);

        Assert.NotNull(info.InstructionSet);
        if (expected is not null)
            Assert.StartsWith(expected, info.InstructionSet);
        Assert.Equal(2, info.TrainingThreads);
    }

    [Fact]
    public void Experiment_pages_name_processor_and_instruction_set_too()
    {
        var info = MachineInfoReader.Read(trainingThreads: 1);

        Assert.StartsWith($"{info.Processor}, {info.InstructionSet}, {Environment.ProcessorCount} cores", MachineInfoReader.Summary());
    }
}
