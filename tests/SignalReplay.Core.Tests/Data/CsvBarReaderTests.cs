namespace SignalReplay.Core.Tests.Data;

public sealed class CsvBarReaderTests
{
    private const string Header = "timestamp,open,high,low,close,volume\n";
    private static readonly SeriesId Spy = SeriesId.Parse("SPY_1m");

    private static BarSeries Read(string csv) => CsvBarReader.Read(new StringReader(csv), "SPY_1m.csv", Spy);

    private static MarketDataException Refused(string csv) => Assert.Throws<MarketDataException>(() => Read(csv));

    private static long Utc(int year, int month, int day, int hour = 0, int minute = 0) =>
        new DateTimeOffset(year, month, day, hour, minute, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

    [Theory]
    [InlineData("2013-10-04T13:30:00Z")]
    [InlineData("2013-10-04T09:30:00-04:00")]
    [InlineData("2013-10-04T13:30:00.000Z")]
    [InlineData("1380893400")]
    [InlineData("1380893400000")]
    public void Each_timestamp_form_reads_as_the_same_instant(string timestamp)
    {
        var bars = Read(Header + $"{timestamp},1,2,0.5,1.5,100\n");

        Assert.Equal(Utc(2013, 10, 4, 13, 30), bars.Time[0]);
    }

    [Fact]
    public void A_plain_date_is_utc_midnight()
    {
        var bars = Read(Header + "2004-08-19,100,104.06,95.96,100.34,22351900\n");

        Assert.Equal(Utc(2004, 8, 19), bars.Time[0]);
        Assert.Equal(new Bar(Utc(2004, 8, 19), 100, 104.06, 95.96, 100.34, 22351900), bars[0]);
    }

    [Fact]
    public void Whitespace_around_fields_and_blank_lines_are_ignored()
    {
        var bars = Read(Header + " 2013-10-04T13:30:00Z , 1 ,2,0.5,1.5,100\n\n2013-10-04T13:31:00Z,1,2,0.5,1.5,100\n");

        Assert.Equal(2, bars.Count);
    }

    [Fact]
    public void A_timestamp_without_a_zone_is_refused_as_ambiguous()
    {
        var error = Refused(Header + "2013-10-04T13:30:00,1,2,0.5,1.5,100\n");

        Assert.Equal(2, error.Line);
        Assert.Contains("has no time zone", error.Message);
    }

    [Fact]
    public void An_unparseable_timestamp_names_its_line()
    {
        var error = Refused(Header + "2013-10-04T13:30:00Z,1,2,0.5,1.5,100\nyesterday,1,2,0.5,1.5,100\n");

        Assert.Equal(3, error.Line);
        Assert.Contains("SPY_1m.csv, line 3", error.Message);
        Assert.Contains("'yesterday' is not a timestamp", error.Message);
    }

    [Fact]
    public void An_unparseable_price_names_its_line_and_column()
    {
        var error = Refused(Header + "2013-10-04T13:30:00Z,1,2,zero,1.5,100\n");

        Assert.Equal(2, error.Line);
        Assert.Contains("line 2: low 'zero' is not a number", error.Message);
    }

    [Fact]
    public void A_row_with_the_wrong_number_of_columns_names_its_line()
    {
        var error = Refused(Header + "2013-10-04T13:30:00Z,1,2,0.5,1.5,100\n2013-10-04T13:31:00Z,1,2,0.5,1.5\n");

        Assert.Equal(3, error.Line);
        Assert.Contains("line 3: 5 columns; expected 6", error.Message);
    }

    [Fact]
    public void A_wrong_header_is_refused_on_line_one()
    {
        var error = Refused("date,open,high,low,close,volume\n2013-10-04,1,2,0.5,1.5,100\n");

        Assert.Equal(1, error.Line);
        Assert.Contains("line 1: the header is 'date,open,high,low,close,volume'; expected timestamp,open,high,low,close,volume", error.Message);
    }

    [Fact]
    public void An_empty_file_is_refused()
    {
        var error = Refused(string.Empty);

        Assert.Contains("the file is empty", error.Message);
    }

    [Fact]
    public void A_header_without_bars_is_refused()
    {
        var error = Refused(Header);

        Assert.Null(error.Line);
        Assert.Contains("has a header but no bars", error.Message);
    }

    [Fact]
    public void Duplicate_timestamp_names_both_lines()
    {
        var error = Refused(Header
            + "2013-10-04T13:30:00Z,1,2,0.5,1.5,100\n"
            + "2013-10-04T13:31:00Z,1,2,0.5,1.5,100\n"
            + "2013-10-04T13:31:00Z,1,2,0.5,1.5,100\n");

        Assert.Equal(4, error.Line);
        Assert.Contains("line 4: duplicate timestamp 2013-10-04T13:31:00Z: line 3 has the same one", error.Message);
    }

    [Fact]
    public void Unsorted_timestamps_name_both_lines()
    {
        var error = Refused(Header
            + "2013-10-04T13:31:00Z,1,2,0.5,1.5,100\n"
            + "2013-10-04T13:30:00Z,1,2,0.5,1.5,100\n");

        Assert.Equal(3, error.Line);
        Assert.Contains("line 3: timestamps are not sorted: 2013-10-04T13:30:00Z comes after 2013-10-04T13:31:00Z on line 2", error.Message);
    }

    [Theory]
    [InlineData("NaN,2,0.5,1.5,100", "open is not a finite number (NaN)")]
    [InlineData("1,Infinity,0.5,1.5,100", "high is not a finite number (Infinity)")]
    [InlineData("-1,2,0.5,1.5,100", "open must be positive, not -1")]
    [InlineData("1,2,0,1.5,100", "low must be positive, not 0")]
    public void A_price_that_is_not_finite_and_positive_names_its_line(string row, string reason)
    {
        var error = Refused(Header + $"2013-10-04T13:30:00Z,{row}\n");

        Assert.Equal(2, error.Line);
        Assert.Contains($"line 2: {reason}", error.Message);
    }

    [Fact]
    public void High_below_low_names_its_line()
    {
        var error = Refused(Header + "2013-10-04T13:30:00Z,1,1,2,1,100\n");

        Assert.Equal(2, error.Line);
        Assert.Contains("line 2: high 1 is below low 2", error.Message);
    }

    [Theory]
    [InlineData("3,2,0.5,1.5,100", "open 3 is outside [low 0.5, high 2]")]
    [InlineData("1,2,0.5,0.4,100", "close 0.4 is outside [low 0.5, high 2]")]
    public void Open_or_close_outside_the_range_names_its_line(string row, string reason)
    {
        var error = Refused(Header + $"2013-10-04T13:30:00Z,{row}\n");

        Assert.Equal(2, error.Line);
        Assert.Contains($"line 2: {reason}", error.Message);
    }

    [Theory]
    [InlineData("-5", "volume must not be negative, not -5")]
    [InlineData("NaN", "volume is not a finite number (NaN)")]
    public void A_negative_or_non_finite_volume_names_its_line(string volume, string reason)
    {
        var error = Refused(Header + $"2013-10-04T13:30:00Z,1,2,0.5,1.5,{volume}\n");

        Assert.Equal(2, error.Line);
        Assert.Contains($"line 2: {reason}", error.Message);
    }

    [Fact]
    public void Malformed_quoting_names_its_line()
    {
        var error = Refused(Header + "2013-10-04T13:30:00Z,1,2,0.5,1.5,100\n\"2013-10-04T13:31:00Z\"x,1,2,0.5,1.5,100\n");

        Assert.Equal(3, error.Line);
        Assert.Contains("line 3: malformed CSV", error.Message);
    }

    [Fact]
    public void A_missing_file_is_refused_naming_the_path()
    {
        var error = Assert.Throws<MarketDataException>(() => CsvBarReader.Read("/nowhere/SPY_1m.csv", Spy));

        Assert.Contains("/nowhere/SPY_1m.csv: there is no such file", error.Message);
    }

    [Theory]
    [InlineData("lean-minute/SPY_1m.csv")]
    [InlineData("lean-minute/IBM_1m.csv")]
    [InlineData("lean-minute/BAC_1m.csv")]
    [InlineData("lean-minute/AIG_1m.csv")]
    [InlineData("lean-daily/AAPL_1d.csv")]
    [InlineData("lean-daily/EEM_1d.csv")]
    [InlineData("lean-daily/IBM_1d.csv")]
    [InlineData("lean-daily/IWM_1d.csv")]
    [InlineData("lean-daily/QQQ_1d.csv")]
    [InlineData("lean-daily/SPY_1d.csv")]
    [InlineData("backtesting-py/GOOG_1d.csv")]
    [InlineData("backtesting-py/EURUSD_1h.csv")]
    [InlineData("backtesting-py/BTCUSD_1M.csv")]
    [InlineData("backtrader/IDX2006_1d.csv")]
    public void Every_shared_csv_reads_with_one_bar_per_data_line(string relative)
    {
        var path = SharedData.Require(relative);
        var id = SeriesId.Parse(Path.GetFileNameWithoutExtension(path));

        var bars = CsvBarReader.Read(path, id);

        Assert.Equal(File.ReadLines(path).Count(line => line.Length > 0) - 1, bars.Count);
        Assert.Equal(id, bars.Id);
    }
}
