using Parquet.Schema;
using SignalReplay.Core.Indices;

namespace SignalReplay.Storage.Parquet;

/// <summary><c>classifier_changes/{classifier}.parquet</c>: bar_idx, classifier, old_regime, new_regime.</summary>
public static class ClassifierChangeParquet
{
    public static readonly FileSchema Schema = new("classifier_changes", 1);

    private static readonly DataField<int> BarIdx = new("bar_idx");
    private static readonly DataField<string> Classifier = new("classifier", false);
    private static readonly DataField<string> OldRegime = new("old_regime", true);
    private static readonly DataField<string> NewRegime = new("new_regime", false);

    public static Task WriteAsync(ClassifierChangeIndex index, Stream output, CancellationToken cancellationToken = default) =>
        ParquetTable.WriteAsync(
            output,
            new ParquetSchema(BarIdx, Classifier, OldRegime, NewRegime),
            Schema,
            new Dictionary<string, string>(),
            async rowGroup =>
            {
                await rowGroup.WriteAsync<int>(BarIdx, index.BarIdx.ToArray(), cancellationToken: cancellationToken);
                await rowGroup.WriteAsync(Classifier, Enumerable.Repeat(index.Classifier, index.Count).ToArray());
                await rowGroup.WriteAsync(OldRegime, index.OldRegime.ToArray()!);
                await rowGroup.WriteAsync(NewRegime, index.NewRegime.ToArray());
            },
            cancellationToken);

    public static Task<ClassifierChangeIndex> ReadAsync(Stream input, string source, CancellationToken cancellationToken = default) =>
        ParquetTable.ReadAsync(input, source, Schema, async file =>
        {
            var classifiers = await file.ReadStringColumnAsync(file.RequireField(Classifier.Name));
            var name = classifiers.FirstOrDefault() ?? Path.GetFileNameWithoutExtension(source);
            if (classifiers.Any(classifier => classifier != name))
            {
                throw new StoredDataException(source, $"mixes classifiers ({string.Join(", ", classifiers.Distinct())}); one file holds one.");
            }

            var newRegime = await file.ReadStringColumnAsync(file.RequireField(NewRegime.Name));
            return new ClassifierChangeIndex(
                name,
                await file.ReadColumnAsync<int>(file.RequireField(BarIdx.Name)),
                await file.ReadStringColumnAsync(file.RequireField(OldRegime.Name)),
                [.. newRegime.Select(regime => regime ?? string.Empty)]);
        }, cancellationToken);
}
