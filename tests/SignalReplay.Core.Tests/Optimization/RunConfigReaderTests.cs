using SignalReplay.Core.Generation;
using SignalReplay.Core.Optimization;
using SignalReplay.Core.Portfolio;

namespace SignalReplay.Core.Tests.Optimization;

public sealed class RunConfigReaderTests
{
    private const string Valid = """
        name: t
        data:
          dataset: d
          series: [SPY_1m, QQQ_5m]
        classifiers:
          - name: trend
            series: SPY_1m
        strategies:
          - name: momentum
            series: SPY_1m
            params: { fast: [5, 10], slow: 50 }
        portfolio:
          sizing:
            - fixed_fraction: [0.5, 1]
          risk:
            stop_loss: [none, 0.01]
        phases:
          - name: grid
            kind: grid
            top: 3
          - name: regime
            kind: regime
            classifier: trend
        """;

    private static RunConfigException Refused(string yaml) => Assert.Throws<RunConfigException>(() => RunConfigReader.Parse(yaml, "run.yaml"));

    [Fact]
    public void A_valid_configuration_reads_into_its_records()
    {
        var config = RunConfigReader.Parse(Valid, "run.yaml");

        Assert.Equal("t", config.Name);
        Assert.Equal([SeriesId.Parse("SPY_1m"), SeriesId.Parse("QQQ_5m")], config.Data.Series);
        Assert.Equal("fast", config.Strategies[0].Parameters[0].Key);
        Assert.Equal([5.0, 10.0], config.Strategies[0].Parameters[0].Value);
        Assert.Equal([new FixedFractionSizing(0.5), new FixedFractionSizing(1)], config.Portfolio.Sizing);
        Assert.Equal([null, 0.01], config.Portfolio.StopLoss);
        Assert.Equal(PhaseKind.Regime, config.Phases[1].Kind);
        Assert.Equal("trend", config.Phases[1].Classifier);
        Assert.Equal(3, config.Phases[0].Top);
        Assert.Equal(8, TopologyBuilder.Grid(config).Count);
    }

    [Fact]
    public void The_same_configuration_in_json_reads_the_same()
    {
        const string json = """
            { "name": "t", "data": { "dataset": "d", "series": ["SPY_1m", "QQQ_5m"] },
              "classifiers": [ { "name": "trend", "series": "SPY_1m" } ],
              "strategies": [ { "name": "momentum", "series": "SPY_1m", "params": { "fast": [5, 10], "slow": 50 } } ],
              "portfolio": { "sizing": [ { "fixed_fraction": [0.5, 1] } ], "risk": { "stop_loss": [null, 0.01] } },
              "phases": [ { "name": "grid", "kind": "grid", "top": 3 }, { "name": "regime", "kind": "regime", "classifier": "trend" } ] }
            """;

        var fromJson = RunConfigReader.Parse(json, "run.json");
        var fromYaml = RunConfigReader.Parse(Valid, "run.yaml");

        Assert.Equal(TopologyBuilder.Grid(fromYaml).Select(p => p.Id), TopologyBuilder.Grid(fromJson).Select(p => p.Id));
        Assert.Equal(fromYaml.Phases, fromJson.Phases);
    }

    [Fact]
    public void The_example_in_the_repository_reads()
    {
        var config = RunConfigReader.Load(Path.Combine(RepositoryRoot.Find()!, "examples", "optimize.yaml"));

        Assert.Equal((15 + 2) * 18, TopologyBuilder.Grid(config).Count); // 15 strategy instances and 2 ensembles x 18 alternatives
        Assert.Equal([PhaseKind.Grid, PhaseKind.Regime, PhaseKind.Ensemble, PhaseKind.Validate, PhaseKind.WalkForward], config.Phases.Select(p => p.Kind));
        Assert.Equal(["grid", "regime", "ensemble"], config.Phases[^1].WalkForward!.Phases);
        Assert.Equal(2, config.Phases[1].PerRegime);                      // as many per regime as the ensemble weighs
    }

    [Fact]
    public void Unknown_key_is_named_with_its_line()
    {
        var error = Refused(Valid.Replace("    stop_loss:", "    stop_los:", StringComparison.Ordinal));

        Assert.Equal("portfolio.risk.stop_los", error.Key);
        Assert.Equal(16, error.Line);
        Assert.Contains("unknown key 'stop_los'", error.Message);
        Assert.StartsWith("run.yaml line 16, key 'portfolio.risk.stop_los'", error.Message);
    }

    [Fact]
    public void Unknown_top_level_key_is_named_with_its_line()
    {
        var error = Refused(Valid + "\noptimiser: fast\n");

        Assert.Equal("optimiser", error.Key);
        Assert.Equal(24, error.Line);
    }

    [Fact]
    public void Wrong_type_names_the_key_and_line()
    {
        var error = Refused(Valid.Replace("top: 3", "top: three", StringComparison.Ordinal));

        Assert.Equal("phases[0].top", error.Key);
        Assert.Equal(20, error.Line);
        Assert.Contains("'three'", error.Message);
    }

    [Fact]
    public void A_mapping_where_a_list_belongs_is_a_wrong_type()
    {
        var error = Refused(Valid.Replace("  sizing:\n    - fixed_fraction: [0.5, 1]", "  sizing: { fixed_fraction: 1 }", StringComparison.Ordinal));

        Assert.Equal("portfolio.sizing", error.Key);
        Assert.Contains("expected a list", error.Message);
    }

    [Fact]
    public void An_empty_strategy_list_is_an_empty_grid()
    {
        var error = Refused(Valid.Replace("strategies:\n  - name: momentum\n    series: SPY_1m\n    params: { fast: [5, 10], slow: 50 }", "strategies: []", StringComparison.Ordinal));

        Assert.Equal("strategies", error.Key);
        Assert.Contains("empty", error.Message);
    }

    [Fact]
    public void An_empty_parameter_list_is_an_empty_grid()
    {
        var error = Refused(Valid.Replace("fast: [5, 10]", "fast: []", StringComparison.Ordinal));

        Assert.Equal("strategies[0].params.fast", error.Key);
        Assert.Equal(11, error.Line);
    }

    [Fact]
    public void A_phase_naming_an_unknown_classifier_is_refused_with_the_known_ones()
    {
        var error = Refused(Valid.Replace("classifier: trend", "classifier: trnd", StringComparison.Ordinal));

        Assert.Equal("phases[1].classifier", error.Key);
        Assert.Equal(23, error.Line);
        Assert.Contains("'trnd' is not a classifier of this run; its classifiers are trend", error.Message);
    }

    [Fact]
    public void A_grid_phase_estimates_pbo_from_200_trials_in_16_blocks_unless_told_otherwise()
    {
        var defaults = RunConfigReader.Parse(Valid, "run.yaml").Phases[0];
        var told = RunConfigReader.Parse(Valid.Replace("    top: 3\n", "    top: 3\n    pbo_trials: 50\n    pbo_partitions: 8\n", StringComparison.Ordinal), "run.yaml").Phases[0];
        var off = RunConfigReader.Parse(Valid.Replace("    top: 3\n", "    top: 3\n    pbo_trials: 0\n", StringComparison.Ordinal), "run.yaml").Phases[0];

        Assert.Equal((200, 16), (defaults.PboTrials, defaults.PboPartitions));
        Assert.Equal((50, 8), (told.PboTrials, told.PboPartitions));
        Assert.Equal(0, off.PboTrials);
    }

    [Theory]
    [InlineData("    top: 3\n", "    top: 3\n    pbo_partitions: 7\n", "phases[0].pbo_partitions", 21, "S must be even and at most 20")]
    [InlineData("    top: 3\n", "    top: 3\n    pbo_partitions: 22\n", "phases[0].pbo_partitions", 21, "S must be even and at most 20")]
    [InlineData("    top: 3\n", "    top: 3\n    pbo_trials: -1\n", "phases[0].pbo_trials", 21, "at least 0")]
    [InlineData("    classifier: trend", "    classifier: trend\n    pbo_trials: 10", "phases[1].pbo_trials", 24, "only a grid phase takes pbo_trials")]
    public void A_bad_pbo_setting_is_refused_at_its_key_and_line(string find, string replace, string key, int line, string message)
    {
        var error = Refused(Valid.Replace(find, replace, StringComparison.Ordinal));

        Assert.Equal((key, line), (error.Key, error.Line));
        Assert.Contains(message, error.Message);
    }

    private const string Ensembles = """
        ensembles:
          - name: pair
            members:
              - { strategy: momentum, series: SPY_1m, params: { fast: 5, slow: 50 }, weight: 0.6 }
              - { strategy: mean_reversion, series: SPY_1m, params: { length: 28 }, weight: 0.4 }
          - name: adaptive
            classifier: trend
            on_regime_exit: close
            members:
              - { strategy: momentum, series: SPY_1m, params: { fast: 20, slow: 50 }, regimes: [TRENDING_UP] }
              - { strategy: mean_reversion, series: SPY_1m, params: { length: 14 }, regimes: [NEUTRAL, TRENDING_DOWN] }

        """;

    private static string WithEnsembles(string ensembles = Ensembles) => Valid.Replace("portfolio:\n", ensembles + "portfolio:\n", StringComparison.Ordinal);

    [Fact]
    public void Ensembles_are_crossed_with_the_portfolio_grid_after_the_single_strategies()
    {
        var config = RunConfigReader.Parse(WithEnsembles(), "run.yaml");
        var grid = TopologyBuilder.Grid(config);

        Assert.Equal(16, config.Configurations);                    // (2 instances + 2 ensembles) x 4 alternatives
        Assert.Equal(16, grid.Count);
        Assert.Equal(["pair|ff=0.5", "pair|ff=0.5|sl=0.01", "pair|ff=1", "pair|ff=1|sl=0.01"], grid.Skip(8).Take(4).Select(p => p.Id));
        var pair = grid[8];
        Assert.Equal([(Instance("momentum", ("fast", 5), ("slow", 50)), 0.6), (Instance("mean_reversion", ("length", 28)), 0.4)], pair.Assignments.Select(a => (a.StrategyInstance, a.Weight)));
        Assert.Null(pair.RegimeFilter);

        var adaptive = grid[12];
        Assert.Equal("adaptive|ff=0.5", adaptive.Id);
        Assert.Equal(("trend", RegimeExit.Close), (adaptive.RegimeFilter!.Classifier, adaptive.RegimeFilter.OnExit));
        Assert.Equal(["NEUTRAL", "TRENDING_DOWN", "TRENDING_UP"], adaptive.RegimeFilter.Allowed.Order(StringComparer.Ordinal));
        Assert.Equal([["TRENDING_UP"], ["NEUTRAL", "TRENDING_DOWN"]], adaptive.Assignments.Select(a => a.Regimes!.Order(StringComparer.Ordinal).ToArray()));

        // Generated once each: the grid's two instances, then the members not among them.
        Assert.Equal(
            [
                Instance("momentum", ("fast", 5), ("slow", 50)), Instance("momentum", ("fast", 10), ("slow", 50)),
                Instance("mean_reversion", ("length", 28)), Instance("momentum", ("fast", 20), ("slow", 50)), Instance("mean_reversion", ("length", 14)),
            ],
            TopologyBuilder.Strategies(config).Select(s => s.InstanceId));
    }

    private static string Instance(string name, params (string Key, double Value)[] parameters) =>
        DeciderCatalog.Strategy(name, [SeriesId.Parse("SPY_1m")], parameters.ToDictionary(p => p.Key, p => p.Value)).InstanceId;

    [Theory]
    [InlineData("classifier: trend\n    on_regime_exit", "classifier: trnd\n    on_regime_exit", "ensembles[1].classifier", 18, "'trnd' is not a classifier of this run; its classifiers are trend")]
    [InlineData("regimes: [TRENDING_UP]", "regimes: [UP]", "ensembles[1].members[0].regimes[0]", 21, "'UP' is not a regime of classifier 'trend'; its regimes are TRENDING_UP, TRENDING_DOWN, NEUTRAL")]
    [InlineData("weight: 0.6 }", "weight: 0.6, regimes: [NEUTRAL] }", "ensembles[0].members[0].regimes", 15, "ensemble 'pair' follows no classifier; give it 'classifier:' for its members' regimes")]
    [InlineData("weight: 0.6 }", "weight: 1.5 }", "ensembles[0].members[0].weight", 15, "a member's weight is in (0, 1]")]
    [InlineData("name: adaptive", "name: pair", "ensembles[1].name", 17, "ensemble 'pair' is defined twice.")]
    [InlineData("strategy: mean_reversion, series: SPY_1m, params: { length: 28 }, weight: 0.4", "strategy: momentum, series: SPY_1m, params: { fast: 5, slow: 50 }, weight: 0.4", "ensembles[0].members[1]", 16, "ensemble 'pair' holds strategy momentum(fast=5,slow=50,long_only=0)@SPY_1m twice.")]
    [InlineData("strategy: mean_reversion, series: SPY_1m, params: { length: 28 }", "strategy: mean_revert, series: SPY_1m, params: { length: 28 }", "ensembles[0].members[1]", 16, "mean_revert")]
    [InlineData("  - name: pair\n", "  - name: pair\n    on_regime_exit: close\n", "ensembles[0].on_regime_exit", 14, "ensemble 'pair' follows no classifier; on_regime_exit needs one.")]
    public void A_bad_ensemble_is_refused_at_its_key_and_line(string find, string replace, string key, int line, string message)
    {
        var error = Refused(WithEnsembles(Ensembles.Replace(find, replace, StringComparison.Ordinal)));

        Assert.Equal((key, line), (error.Key, error.Line));
        Assert.Contains(message, error.Message);
    }

    private static string WithEnsemblePhase(string phase = "  - name: weigh\n    kind: ensemble\n    members: 3\n    weight_step: 0.25\n") => Valid + "\n" + phase;

    [Fact]
    public void An_ensemble_phase_weighs_the_regime_phases_picks_which_hands_on_as_many_per_regime()
    {
        var config = RunConfigReader.Parse(WithEnsemblePhase(), "run.yaml");
        var told = RunConfigReader.Parse(WithEnsemblePhase().Replace("    classifier: trend\n", "    classifier: trend\n    per_regime: 1\n", StringComparison.Ordinal), "run.yaml");

        Assert.Equal((PhaseKind.Ensemble, 3, 0.25), (config.Phases[2].Kind, config.Phases[2].Members, config.Phases[2].WeightStep));
        Assert.Equal(3, config.Phases[1].PerRegime);
        Assert.Equal(1, told.Phases[1].PerRegime);
        Assert.Equal((2, 0.5), (RunConfigReader.Parse(WithEnsemblePhase("  - { name: weigh, kind: ensemble }\n"), "run.yaml").Phases[2] is var d ? (d.Members, d.WeightStep) : default));
    }

    [Theory]
    [InlineData("  - { name: weigh, kind: ensemble, weight_step: 0.3 }\n", "phases[2].weight_step", 24, "a weight step divides 1 into equal parts")]
    [InlineData("  - { name: weigh, kind: ensemble, members: 11 }\n", "phases[2].members", 24, "at most 10 members per regime, not 11")]
    [InlineData("  - { name: weigh, kind: ensemble, classifier: trend }\n", "phases[2].classifier", 24, "only a regime phase takes a classifier")]
    [InlineData("  - { name: again, kind: validate }\n  - { name: weigh, kind: ensemble }\n", "phases[3].kind", 25, "an ensemble phase weighs the per-regime bests of the regime phase right before it; phase 'again' is a validate phase.")]
    [InlineData("  - { name: again, kind: validate, members: 2 }\n", "phases[2].members", 24, "only an ensemble phase takes members.")]
    [InlineData("  - { name: again, kind: validate, per_regime: 2 }\n", "phases[2].per_regime", 24, "only a regime phase takes per_regime.")]
    public void A_bad_ensemble_phase_is_refused_at_its_key_and_line(string phase, string key, int line, string message)
    {
        var error = Refused(WithEnsemblePhase(phase));

        Assert.Equal((key, line), (error.Key, error.Line));
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void A_regime_phase_cannot_come_first()
    {
        var error = Refused(Valid.Replace("    kind: grid\n", "    kind: regime\n", StringComparison.Ordinal));

        Assert.Equal("phases[0].kind", error.Key);
    }

    [Fact]
    public void An_unknown_strategy_is_refused_at_its_entry()
    {
        var error = Refused(Valid.Replace("- name: momentum", "- name: momentun", StringComparison.Ordinal));

        Assert.Equal("strategies[0]", error.Key);
        Assert.Equal(9, error.Line);
        Assert.Contains("Unknown strategy 'momentun'", error.Message);
    }

    [Fact]
    public void An_unknown_strategy_parameter_is_refused_at_its_entry()
    {
        var error = Refused(Valid.Replace("slow: 50", "slowest: 50", StringComparison.Ordinal));

        Assert.Equal("strategies[0]", error.Key);
        Assert.Contains("'slowest'", error.Message);
    }

    [Fact]
    public void A_combination_that_cannot_make_a_strategy_refuses_the_run_and_suggests_a_constraint()
    {
        var error = Refused(Valid.Replace("fast: [5, 10], slow: 50", "fast: [5, 10, 20, 50], slow: [50, 100]", StringComparison.Ordinal));

        Assert.Equal("strategies[0]", error.Key);
        Assert.Contains("'fast' (50) must be below 'slow' (50)", error.Message);
        Assert.Contains("constraint: fast < slow", error.Message);
    }

    [Fact]
    public void A_constraint_skips_the_combinations_it_does_not_hold_for_and_counts_them()
    {
        var config = RunConfigReader.Parse(
            Valid.Replace("params: { fast: [5, 10], slow: 50 }", "params: { fast: [5, 10, 20, 50], slow: [20, 50, 100] }\n    constraint: fast < slow", StringComparison.Ordinal),
            "run.yaml");

        var instances = TopologyBuilder.StrategyInstances(config);
        var skipped = Assert.Single(TopologyBuilder.Skipped(config));

        Assert.Equal(12, config.Strategies[0].Instances);
        Assert.Equal(9, instances.Count);
        Assert.All(instances, i => Assert.True(i.Parameters["fast"] < i.Parameters["slow"]));
        Assert.Equal(3, skipped.Skipped);
        Assert.Equal("momentum: 3 of 12 parameter combinations skipped by fast < slow", skipped.ToString());
        Assert.Equal(9 * 4, TopologyBuilder.Grid(config).Count);
    }

    [Fact]
    public void Several_constraints_all_hold_and_may_compare_with_a_number()
    {
        var config = RunConfigReader.Parse(
            Valid.Replace("params: { fast: [5, 10], slow: 50 }", "params: { fast: [5, 10, 20], slow: [20, 50] }\n    constraint: [fast < slow, slow >= 40]", StringComparison.Ordinal),
            "run.yaml");

        Assert.Equal([(5.0, 50.0), (10.0, 50.0), (20.0, 50.0)], TopologyBuilder.StrategyInstances(config).Select(i => (i.Parameters["fast"], i.Parameters["slow"])));
    }

    [Theory]
    [InlineData("fast << slow", "is not a constraint")]
    [InlineData("fast < slowest", "names 'slowest', which is not among momentum's params (fast, slow)")]
    [InlineData("1 < 2", "compares no parameter")]
    public void A_bad_constraint_is_refused_at_its_line(string constraint, string message)
    {
        var error = Refused(Valid.Replace("params: { fast: [5, 10], slow: 50 }", $"params: {{ fast: [5, 10], slow: 50 }}\n    constraint: {constraint}", StringComparison.Ordinal));

        Assert.Equal("strategies[0].constraint", error.Key);
        Assert.Equal(12, error.Line);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void A_missing_required_key_is_named()
    {
        var error = Refused(Valid.Replace("  dataset: d\n", string.Empty, StringComparison.Ordinal));

        Assert.Equal("data.dataset", error.Key);
    }

    [Fact]
    public void A_bad_date_and_a_bad_objective_are_named()
    {
        var date = Refused(Valid.Replace("    top: 3", "    top: 3\n    range: { from: 2024-13-01, to: 2024-12-01 }", StringComparison.Ordinal));
        var objective = Refused(Valid.Replace("    top: 3", "    objective: max:sharp", StringComparison.Ordinal));

        Assert.Equal("phases[0].range.from", date.Key);
        Assert.Equal("phases[0].objective", objective.Key);
        Assert.Contains("unknown metric 'sharp'", objective.Message);
    }

    [Fact]
    public void Two_phases_with_one_name_are_refused()
    {
        var error = Refused(Valid.Replace("name: regime", "name: grid", StringComparison.Ordinal));

        Assert.Equal("phases[1].name", error.Key);
    }

    [Fact]
    public void Malformed_yaml_names_its_line()
    {
        var error = Refused("name: t\ndata: [unclosed\n");

        Assert.True(error.Line >= 2, error.Message);
        Assert.Contains("not valid YAML", error.Message);
    }

    [Fact]
    public void A_duplicate_key_is_refused()
    {
        var error = Refused(Valid.Replace("  dataset: d\n", "  dataset: d\n  dataset: e\n", StringComparison.Ordinal));

        // YamlDotNet refuses it while loading, with the line of the second key.
        Assert.Equal(4, error.Line);
        Assert.Contains("Duplicate key", error.Message);
    }

    [Theory]
    [InlineData("flow")]
    [InlineData("block")]
    public void A_document_nested_20000_levels_deep_is_refused_naming_its_line_not_a_stack_overflow(string style)
    {
        const int levels = 20_000;
        var yaml = style == "flow"
            ? "name: t\ndata: " + new string('[', levels) + new string(']', levels) + "\n"
            : "name: t\n" + string.Concat(Enumerable.Range(0, levels).Select(i => new string(' ', i) + "a:\n"));

        var error = Refused(yaml);

        Assert.Contains($"nested more than {64} levels deep", error.Message);
        Assert.True(error.Line >= 2, error.Message);
    }

    [Fact]
    public void Anchors_and_aliases_are_refused_so_a_few_lines_cannot_stand_for_billions_of_values()
    {
        var laughs = "name: t\na: &a [x, x, x, x, x, x, x, x, x, x]\n"
            + string.Concat(Enumerable.Range(1, 9).Select(i => $"{(char)('a' + i)}: &{(char)('a' + i)} [{string.Join(", ", Enumerable.Repeat($"*{(char)('a' + i - 1)}", 10))}]\n"));

        var error = Refused(laughs);

        Assert.Contains("anchors (&a) are not supported", error.Message);
        Assert.Equal(2, error.Line);
        Assert.Contains("aliases (*fast) are not supported", Refused(Valid.Replace("fast: [5, 10]", "fast: *fast", StringComparison.Ordinal)).Message);
    }

    [Fact]
    public void A_megabyte_key_is_refused_without_being_echoed()
    {
        var key = new string('k', 1 << 20);

        var error = Refused("{\"name\": \"t\", \"" + key + "\": 1}");

        Assert.Contains("a key or value of 1,048,576 characters (column 15); none may be longer than 1,024", error.Message);
        Assert.True(error.Message.Length < 300, $"{error.Message.Length:N0} characters");
    }

    [Fact]
    public void A_document_of_more_than_100000_values_is_refused()
    {
        var yaml = "name: t\ndata: [" + string.Join(", ", Enumerable.Repeat("1", 100_001)) + "]\n";

        Assert.Contains("more than 100,000 values", Refused(yaml).Message);
    }

    [Fact]
    public void A_run_asking_for_more_strategy_instances_than_the_limit_is_refused_with_the_count_before_any_is_made()
    {
        // 1,000 x 1,000 fast/slow values: 1,000,000 instances (most of them invalid, fast >= slow: never looked at).
        var values = string.Join(", ", Enumerable.Range(1, 1_000));
        var yaml = Valid.Replace("fast: [5, 10], slow: 50", $"fast: [{values}], slow: [{values}]", StringComparison.Ordinal);

        var error = Refused(yaml);

        Assert.Equal("run.yaml line 9, key 'strategies': the parameter lists make 1,000,000 strategy instances; a run may generate at most 100,000.", error.Message);
    }

    [Fact]
    public void A_run_asking_for_more_configurations_than_the_limit_is_refused_with_the_counts()
    {
        // fast 1..100 x slow 101..200 = 10,000 instances, x 2 fractions x 10 stop levels = 200,000 configurations.
        var stops = string.Join(", ", Enumerable.Range(1, 10).Select(i => (i / 100.0).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var yaml = Valid
            .Replace("fast: [5, 10], slow: 50", $"fast: [{string.Join(", ", Enumerable.Range(1, 100))}], slow: [{string.Join(", ", Enumerable.Range(101, 100))}]", StringComparison.Ordinal)
            .Replace("stop_loss: [none, 0.01]", $"stop_loss: [{stops}]", StringComparison.Ordinal);

        var error = Assert.Throws<RunConfigException>(() => RunConfigReader.Parse(yaml, "run.yaml", new RunConfigLimits(MaxConfigurations: 100_000)));
        var config = RunConfigReader.Parse(yaml, "run.yaml");

        Assert.Equal("run.yaml line 13, key 'portfolio': 10,000 strategy instances x 20 portfolio alternatives make 200,000 configurations; a run may ask for at most 100,000.", error.Message);
        Assert.Equal(200_000, config.Configurations);
        Assert.Equal(200_000, TopologyBuilder.Grid(config).Count);
    }

    [Fact]
    public void Counts_that_overflow_a_long_saturate_instead_of_wrapping()
    {
        var values = string.Join(", ", Enumerable.Range(1, 1_000));
        var yaml = Valid.Replace("fast: [5, 10], slow: 50", $"fast: [{values}], slow: [{values}], a: [{values}], b: [{values}], c: [{values}], d: [{values}], e: [{values}]", StringComparison.Ordinal);

        Assert.Contains("make more than 9 quintillion strategy instances", Refused(yaml).Message);
    }
}
