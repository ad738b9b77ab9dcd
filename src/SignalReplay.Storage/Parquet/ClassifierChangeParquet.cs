using Parquet.Schema;
using SignalReplay.Core.Indices;

namespace SignalReplay.Storage.Parquet;

/// <summary>
/// <c>classifier_changes.parquet</c>: every classifier of a signal set in one file, sorted by classifier then
/// bar_idx, as <c>bar_idx, classifier, old_regime, new_regime</c>.
/// </summary>
public static class ClassifierChangeParquet
{
    public static readonly FileSchema Schema = new("classifier_changes", 2);

    private static readonly DataField<int> BarIdx = new("bar_idx");
    private static readonly DataField<string> Classifier = new("classifier", false);
    private static readonly DataField<string> OldRegime = new("old_regime", true);
    private static readonly DataField<string> NewRegime = new("new_regime", false);

    /// <summary>Writes <paramref name="indices"/>, which must come sorted by classifier name, into one file.</summary>
    public static Task WriteAsync(IReadOnlyList<ClassifierChangeIndex> indices, Stream output, CancellationToken cancellationToken = default)
    {
        for (var i = 1; i < indices.Count; i++)
        {
            if (string.CompareOrdinal(indices[i - 1].Classifier, indices[i].Classifier) >= 0)
            {
                throw new ArgumentException($"Classifier changes must be given sorted by classifier, once each: '{indices[i].Classifier}' follows '{indices[i - 1].Classifier}'.");
            }
        }

        return ParquetTable.WriteAsync(
            output,
            new ParquetSchema(BarIdx, Classifier, OldRegime, NewRegime),
            Schema,
            new Dictionary<string, string>(),
            async rowGroup =>
            {
                await rowGroup.WriteAsync<int>(BarIdx, indices.SelectMany(index => index.BarIdx.ToArray()).ToArray(), cancellationToken: cancellationToken);
                await rowGroup.WriteAsync(Classifier, indices.SelectMany(index => Enumerable.Repeat(index.Classifier, index.Count)).ToArray());
                await rowGroup.WriteAsync(OldRegime, indices.SelectMany(index => index.OldRegime.ToArray()).ToArray()!);
                await rowGroup.WriteAsync(NewRegime, indices.SelectMany(index => index.NewRegime.ToArray()).ToArray());
            },
            cancellationToken);
    }

    /// <summary>
    /// Reads the classifiers of <paramref name="layout"/> (the manifest's, in file order: name, the series whose
    /// bars it counts, rows), checking each row's classifier and bar_idx (against <paramref name="bars"/>) by file row.
    /// </summary>
    public static Task<IReadOnlyList<ClassifierChangeIndex>> ReadAsync(
        Stream input,
        string source,
        IReadOnlyList<(string Classifier, SeriesId Series, int Rows)> layout,
        IReadOnlyDictionary<SeriesId, int> bars,
        CancellationToken cancellationToken = default) =>
        ParquetTable.ReadAsync<IReadOnlyList<ClassifierChangeIndex>>(input, source, Schema, async file =>
        {
            var expectedRows = layout.Sum(entry => (long)entry.Rows);
            if (file.RowCount != expectedRows)
            {
                throw new StoredDataException(source, $"holds {file.RowCount} rows; its manifest counts {expectedRows}.");
            }

            var classifiers = await file.ReadStringColumnAsync(file.RequireField(Classifier.Name));
            var barIdx = await file.ReadColumnAsync<int>(file.RequireField(BarIdx.Name));
            var oldRegime = await file.ReadStringColumnAsync(file.RequireField(OldRegime.Name));
            var newRegime = await file.ReadStringColumnAsync(file.RequireField(NewRegime.Name));
            var result = new List<ClassifierChangeIndex>();
            var first = 0;
            foreach (var (name, series, rows) in layout)
            {
                for (var row = first; row < first + rows; row++)
                {
                    if (classifiers[row] != name)
                    {
                        throw new StoredDataException(source, $"row {row}: classifier '{classifiers[row]}' where its manifest puts '{name}'.");
                    }

                    SignalIndexParquet.Bar(source, row, barIdx[row], series, bars, allowNone: false);
                }

                result.Add(new ClassifierChangeIndex(
                    name,
                    barIdx[first..(first + rows)],
                    oldRegime[first..(first + rows)],
                    [.. newRegime[first..(first + rows)].Select(regime => regime ?? string.Empty)]));
                first += rows;
            }

            return result;
        }, cancellationToken);
}
