using SignalReplay.Core.Statistics;
using SignalReplay.Core.Generation;
using SignalReplay.Core.Portfolio;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace SignalReplay.Core.Optimization;

/// <summary>
/// Reads a run configuration (SPEC 10) from YAML, or JSON, which YAML includes. Every unknown key,
/// wrong type, empty grid dimension, unknown strategy, classifier or parameter, and phase that cannot
/// run is a <see cref="RunConfigException"/> naming the key and its line. See <c>examples/optimize.yaml</c>.
/// </summary>
public static class RunConfigReader
{
    private static readonly Dictionary<string, TraceRetention> Tracings = new()
    {
        ["none"] = TraceRetention.None,
        ["all"] = TraceRetention.All,
        ["trade_complete"] = TraceRetention.TradeComplete,
    };

    private static readonly Dictionary<string, FillTiming> Fills = new()
    {
        ["next_open"] = FillTiming.NextOpen,
        ["signal_close"] = FillTiming.SignalClose,
    };

    private static readonly Dictionary<string, RegimeExit> Exits = new()
    {
        ["hold"] = RegimeExit.Hold,
        ["close"] = RegimeExit.Close,
    };

    private static readonly Dictionary<string, bool> StoredTrades = new()
    {
        ["top"] = false,
        ["all"] = true,
    };

    /// <exception cref="RunConfigException">The file is missing or cannot run.</exception>
    public static RunConfig Load(string path) => File.Exists(path)
        ? Parse(File.ReadAllText(path), path)
        : throw new RunConfigException(path, 0, "(file)", "there is no such file.");

    /// <param name="text">The configuration, YAML or JSON.</param>
    /// <param name="source">The file name (or "request body") the messages name.</param>
    /// <param name="limits">What the run may ask for (<see cref="RunConfigLimits.Default"/> when null), checked before anything is expanded.</param>
    /// <param name="loadPlugins">Loads the configuration's <c>plugins:</c> (full paths) before its deciders are made; null records them only.</param>
    public static RunConfig Parse(string text, string source, RunConfigLimits? limits = null, Action<IReadOnlyList<string>>? loadPlugins = null)
    {
        limits ??= RunConfigLimits.Default;
        ConfigShape.Check(text, source);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException error)
        {
            throw new RunConfigException(source, (int)error.Start.Line, "(document)", $"not valid YAML or JSON: {error.Message}");
        }

        if (stream.Documents.Count != 1)
        {
            throw new RunConfigException(source, 0, "(document)", $"expected one document, found {stream.Documents.Count}.");
        }

        var root = new ConfigNode(stream.Documents[0].RootNode, string.Empty, source).Map()
            .Allow(RunConfigKeys.Root);
        var plugins = root.Optional("plugins") is { } pluginsNode ? Plugins(pluginsNode, source, loadPlugins) : [];
        var data = Data(root.Required("data"));
        var classifiers = root.Optional("classifiers") is { } c ? c.List(allowEmpty: true).Select(node => Classifier(node, data)).ToList() : [];
        var duplicate = classifiers.GroupBy(x => x.Section.Key).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw duplicate.Last().Node.Error($"classifier key '{duplicate.Key}' is used twice; give one a label.");
        }

        var labels = classifiers.ToDictionary(x => x.Section.Key, x => x.Labels);
        var phasesNode = root.Required("phases");
        var strategiesNode = root.Required("strategies");
        var strategyNodes = strategiesNode.List();
        var strategies = strategyNodes.Select(node => Strategy(node, data)).ToList();
        var instances = strategies.Aggregate(0L, (sum, section) => Saturating.Add(sum, section.Instances));
        if (instances > limits.MaxStrategyInstances)
        {
            throw strategiesNode.Error($"the parameter lists make {Saturating.Describe(instances)} strategy instances; a run may generate at most {Saturating.Describe(limits.MaxStrategyInstances)}.");
        }

        // Every combination must make a strategy: an unknown name or parameter, or a value out of range, fails here.
        foreach (var (section, node) in strategies.Zip(strategyNodes))
        {
            Expand(section, node);
        }

        var ensembles = root.Optional("ensembles") is { } e ? Ensembles(e, data, labels) : [];
        var portfolioNode = root.Optional("portfolio");
        var config = new RunConfig(
            root.Required("name").Name(),
            data,
            [.. classifiers.Select(x => x.Section)],
            strategies,
            portfolioNode is not null ? Portfolio(portfolioNode) : PortfolioGrid.Default,
            Phases(phasesNode, labels),
            root.Optional("tracing")?.Choice(Tracings) ?? TraceRetention.None,
            root.Optional("retention") is { } retention ? Retention(retention) : RetentionDays.Default)
        {
            Ensembles = ensembles,
            Plugins = plugins,
        };
        if (config.Configurations > limits.MaxConfigurations)
        {
            throw (portfolioNode ?? strategiesNode).Error(
                $"{Saturating.Describe(instances)} strategy instances x {Saturating.Describe(config.PortfolioAlternatives)} portfolio alternatives make "
                + $"{Saturating.Describe(config.Configurations)} configurations; a run may ask for at most {Saturating.Describe(limits.MaxConfigurations)}.");
        }

        return config;
    }

    /// <summary>
    /// <c>plugins:</c> paths of plugin assemblies or folders, relative to the configuration's folder. <paramref name="load"/> (the CLI's
    /// plugin loader) loads them before any decider is made; without it (a silo host) they are recorded only: the host loads its own.
    /// </summary>
    private static IReadOnlyList<string> Plugins(ConfigNode node, string source, Action<IReadOnlyList<string>>? load)
    {
        var folder = File.Exists(source) ? Path.GetDirectoryName(Path.GetFullPath(source))! : Directory.GetCurrentDirectory();
        IReadOnlyList<string> paths = [.. node.Alternatives().Select(item => Path.GetFullPath(Path.Combine(folder, item.Text())))];
        try
        {
            load?.Invoke(paths);
        }
        catch (PluginException error)
        {
            throw node.Error(error.Message);
        }

        return paths;
    }

    private static DataSection Data(ConfigNode node)
    {
        var map = node.Map().Allow(RunConfigKeys.Data);
        var seriesNode = map.Required("series");
        var series = seriesNode.Alternatives().Select(s => s.Series()).ToList();
        var repeated = series.GroupBy(s => s).FirstOrDefault(g => g.Count() > 1);
        if (repeated is not null)
        {
            throw seriesNode.Error($"series {repeated.Key} is listed twice.");
        }

        return new DataSection(
            map.Required("dataset").Name(),
            series,
            map.Optional("max_buffer_size")?.Int(1) ?? 20_000,
            map.Optional("batch_window") is { } window ? Duration(window) : null);
    }

    private static (ClassifierSection Section, IReadOnlyList<string> Labels, ConfigNode Node) Classifier(ConfigNode node, DataSection data)
    {
        var map = node.Map().Allow(RunConfigKeys.Classifier);
        var section = new ClassifierSection(
            map.Required("name").Text(),
            SeriesOf(map.Required("series"), data),
            map.Optional("params") is { } p ? FixedParameters(p) : new Dictionary<string, double>(),
            map.Optional("label")?.Name(32));
        try
        {
            return (section, DeciderCatalog.Classifier(section.Name, section.Series, section.Parameters).Labels, node);
        }
        catch (ArgumentException error)
        {
            throw node.Error(error.Message);
        }
    }

    private static StrategySection Strategy(ConfigNode node, DataSection data)
    {
        var map = node.Map().Allow(RunConfigKeys.Strategy);
        var parameters = new List<KeyValuePair<string, IReadOnlyList<double>>>();
        if (map.Optional("params") is { } p)
        {
            var grid = p.Map();
            parameters.AddRange(grid.Keys.Select(key =>
                KeyValuePair.Create(key, (IReadOnlyList<double>)[.. grid.Required(key).Alternatives().Select(v => v.Number())])));
        }

        var name = map.Required("name").Text();
        var constraints = map.Optional("constraint") is { } c ? Constraints(c, name, parameters) : null;
        return new StrategySection(name, SeriesOf(map.Required("series"), data), parameters, constraints);
    }

    /// <summary><c>constraint: fast &lt; slow</c>, or a list of such: each compares parameters of this strategy's <c>params</c>.</summary>
    private static IReadOnlyList<ParameterConstraint> Constraints(ConfigNode node, string strategy, IReadOnlyList<KeyValuePair<string, IReadOnlyList<double>>> parameters) =>
    [
        .. node.Alternatives().Select(item =>
        {
            ParameterConstraint constraint;
            try
            {
                constraint = ParameterConstraint.Parse(item.Text());
            }
            catch (ArgumentException error)
            {
                throw item.Error(error.Message);
            }

            var unknown = constraint.Names.FirstOrDefault(n => !parameters.Any(p => p.Key == n));
            if (unknown is not null)
            {
                throw item.Error($"constraint '{constraint}' names '{unknown}', which is not among {strategy}'s params ({string.Join(", ", parameters.Select(p => p.Key))}).");
            }

            return constraint.Names.Any() ? constraint : throw item.Error($"constraint '{constraint}' compares no parameter.");
        }),
    ];

    private static void Expand(StrategySection section, ConfigNode node)
    {
        try
        {
            TopologyBuilder.StrategyInstances(section).ToList().ForEach(instance => instance.Strategy());
        }
        catch (ArgumentException error)
        {
            var hint = section.Instances > 1 ? " A constraint (e.g. 'constraint: fast < slow') skips the combinations that cannot make a strategy." : string.Empty;
            throw node.Error(error.Message + hint);
        }
    }

    /// <summary>
    /// <c>ensembles:</c> portfolios of several fixed strategy instances, each member <c>{ strategy, series, params, weight,
    /// regimes }</c>; <c>regimes</c> needs the ensemble's <c>classifier</c> and names its labels.
    /// </summary>
    private static IReadOnlyList<EnsembleSection> Ensembles(ConfigNode node, DataSection data, IReadOnlyDictionary<string, IReadOnlyList<string>> classifiers)
    {
        var ensembles = new List<EnsembleSection>();
        foreach (var item in node.List())
        {
            var map = item.Map().Allow(RunConfigKeys.Ensemble);
            var nameNode = map.Required("name");
            var name = nameNode.Name();
            if (ensembles.Any(e => e.Name == name))
            {
                throw nameNode.Error($"ensemble '{name}' is defined twice.");
            }

            string? classifier = null;
            if (map.Optional("classifier") is { } classifierNode)
            {
                classifier = classifierNode.Text();
                if (!classifiers.ContainsKey(classifier))
                {
                    throw classifierNode.Error(
                        $"'{classifier}' is not a classifier of this run; its classifiers are {(classifiers.Count == 0 ? "none" : string.Join(", ", classifiers.Keys))}.");
                }
            }

            var exit = map.Optional("on_regime_exit") is { } exitNode
                ? classifier is not null ? exitNode.Choice(Exits) : throw exitNode.Error($"ensemble '{name}' follows no classifier; on_regime_exit needs one.")
                : RegimeExit.Hold;
            var members = new List<(EnsembleMember Member, string Instance)>();
            foreach (var memberNode in map.Required("members").List())
            {
                var member = EnsembleMember(memberNode, data, name, classifier, classifier is null ? null : classifiers[classifier]);
                if (members.Any(m => m.Instance == member.Instance))
                {
                    throw memberNode.Error($"ensemble '{name}' holds strategy {member.Instance} twice.");
                }

                members.Add(member);
            }

            ensembles.Add(new EnsembleSection(name, [.. members.Select(m => m.Member)], classifier, exit));
        }

        return ensembles;
    }

    private static (EnsembleMember Member, string Instance) EnsembleMember(
        ConfigNode node, DataSection data, string ensemble, string? classifier, IReadOnlyList<string>? labels)
    {
        var map = node.Map().Allow(RunConfigKeys.EnsembleMember);
        var instance = new DeciderInstance(
            map.Required("strategy").Text(),
            SeriesOf(map.Required("series"), data),
            map.Optional("params") is { } p ? FixedParameters(p) : new Dictionary<string, double>());
        string id;
        try
        {
            id = instance.Strategy().InstanceId;
        }
        catch (ArgumentException error)
        {
            throw node.Error(error.Message);
        }

        var weight = map.Optional("weight")?.Number(v => v is > 0 and <= 1, "a member's weight is in (0, 1]") ?? 1;
        IReadOnlyList<string>? regimes = null;
        if (map.Optional("regimes") is { } regimesNode)
        {
            if (classifier is null || labels is null)
            {
                throw regimesNode.Error($"ensemble '{ensemble}' follows no classifier; give it 'classifier:' for its members' regimes.");
            }

            var names = regimesNode.Alternatives().Select(r => (Node: r, Label: r.Text())).ToList();
            var unknown = names.FirstOrDefault(r => !labels.Contains(r.Label));
            if (unknown.Node is not null)
            {
                throw unknown.Node.Error($"'{unknown.Label}' is not a regime of classifier '{classifier}'; its regimes are {string.Join(", ", labels)}.");
            }

            regimes = [.. names.Select(r => r.Label).Distinct()];
        }

        return (new EnsembleMember(instance, weight, regimes), id);
    }

    private static PortfolioGrid Portfolio(ConfigNode node)
    {
        var map = node.Map().Allow(RunConfigKeys.Portfolio);
        var wholeUnits = map.Optional("whole_units")?.Bool() ?? false;
        var defaults = PortfolioGrid.Default;
        var grid = defaults with
        {
            StartingCash = map.Optional("starting_cash")?.Number(v => v > 0, "starting cash must be positive") ?? defaults.StartingCash,
            VolatilityLookback = map.Optional("volatility_lookback")?.Int(2) ?? defaults.VolatilityLookback,
            Sizing = map.Optional("sizing") is { } sizing ? Sizings(sizing, wholeUnits) : [.. defaults.Sizing.Select(s => s with { WholeUnits = wholeUnits })],
        };
        if (map.Optional("execution") is { } execution)
        {
            grid = grid with { Execution = Executions(execution) };
        }

        if (map.Optional("risk") is { } riskNode)
        {
            var risk = riskNode.Map().Allow(RunConfigKeys.Risk);
            grid = grid with
            {
                StopLoss = Limits(risk, "stop_loss", v => v is > 0 and < 1, "a stop-loss is a fraction in (0, 1)"),
                TakeProfit = Limits(risk, "take_profit", v => v > 0, "a take-profit is a positive fraction"),
                MaxPositionFraction = Limits(risk, "max_position", v => v is > 0 and <= 10, "a position limit is a fraction of equity in (0, 10]"),
                MaxGrossExposure = Limits(risk, "max_gross_exposure", v => v > 0, "a gross exposure limit is a positive fraction of equity"),
                MaxDrawdownHalt = Limits(risk, "max_drawdown_halt", v => v is > 0 and < 1, "a drawdown halt is a fraction in (0, 1)"),
            };
        }

        return grid;
    }

    private static IReadOnlyList<Sizing> Sizings(ConfigNode node, bool wholeUnits) =>
    [
        .. node.List().SelectMany(item =>
        {
            var map = item.Map().Allow(RunConfigKeys.Sizing);
            if (map.Keys.Count != 1)
            {
                throw item.Error("each sizing item names one kind: fixed_fraction, fixed_quantity or volatility_target.");
            }

            var kind = map.Keys.Single();
            return map.Required(kind).Alternatives().Select(value => (Sizing)(kind switch
            {
                "fixed_fraction" => new FixedFractionSizing(value.Number(v => v is > 0 and <= 10, "a fraction of equity in (0, 10]")),
                "fixed_quantity" => new FixedQuantitySizing(value.Number(v => v > 0, "a positive quantity")),
                _ => new VolatilityTargetSizing(value.Number(v => v > 0, "a positive per-bar volatility")),
            }) with { WholeUnits = wholeUnits });
        }),
    ];

    private static IReadOnlyList<ExecutionModel> Executions(ConfigNode node)
    {
        var map = node.Map().Allow(RunConfigKeys.Execution);
        IReadOnlyList<double> Costs(string key) =>
            map.Optional(key) is { } costs ? [.. costs.Alternatives().Select(v => v.Number(x => x >= 0, "a cost cannot be negative"))] : [0];
        var fills = map.Optional("fill") is { } fill ? fill.Alternatives().Select(v => v.Choice(Fills)).ToList() : [FillTiming.NextOpen];
        return
        [
            .. from timing in fills
               from bps in Costs("commission_bps")
               from perUnit in Costs("commission_per_unit")
               from slippage in Costs("slippage_bps")
               select new ExecutionModel(timing, bps, perUnit, slippage),
        ];
    }

    private static IReadOnlyList<double?> Limits(ConfigMap risk, string key, Func<double, bool> allowed, string rule) =>
        risk.Optional(key) is { } node ? [.. node.Alternatives().Select(v => v.NumberOrNone(allowed, rule))] : [null];

    private static IReadOnlyList<PhaseSection> Phases(ConfigNode node, IReadOnlyDictionary<string, IReadOnlyList<string>> classifiers)
    {
        var phases = new List<PhaseSection>();
        var names = new List<ConfigNode>();
        var perRegimeGiven = false;
        foreach (var item in node.List())
        {
            var map = item.Map().Allow(RunConfigKeys.Phase);
            var nameNode = map.Required("name");
            var name = nameNode.Name(32);
            if (name.Any(char.IsAsciiLetterUpper) || name.Contains('.'))
            {
                throw nameNode.Error($"'{name}' is not a phase name: use lower-case letters, digits, '-' and '_'.");
            }

            if (phases.Any(p => p.Name == name))
            {
                throw nameNode.Error($"phase '{name}' is named twice.");
            }

            var kindNode = map.Required("kind");
            var kind = kindNode.Choice(PhaseKinds.ByName);
            if (phases.Count == 0 && kind != PhaseKind.Grid)
            {
                throw kindNode.Error($"the first phase must be a grid phase: a {kindNode.Text()} phase starts from the previous phase's selection.");
            }

            if (kind == PhaseKind.Ensemble && phases[^1].Kind != PhaseKind.Regime)
            {
                throw kindNode.Error($"an ensemble phase weighs the per-regime bests of the regime phase right before it; phase '{phases[^1].Name}' is a {phases[^1].Kind.ToString().ToLowerInvariant()} phase.");
            }

            Objective objective;
            try
            {
                objective = Objective.Parse(map.Optional("objective")?.Text() ?? "max:sharpe");
            }
            catch (ArgumentException error)
            {
                throw map.Required("objective").Error(error.Message);
            }

            string? classifier = null;
            if (map.Optional("classifier") is { } classifierNode)
            {
                classifier = classifierNode.Text();
                if (kind != PhaseKind.Regime)
                {
                    throw classifierNode.Error("only a regime phase takes a classifier.");
                }

                if (!classifiers.ContainsKey(classifier))
                {
                    throw classifierNode.Error(
                        $"'{classifier}' is not a classifier of this run; its classifiers are {(classifiers.Count == 0 ? "none" : string.Join(", ", classifiers.Keys))}.");
                }
            }
            else if (kind == PhaseKind.Regime)
            {
                map.Required("classifier");
            }

            var exit = map.Optional("on_regime_exit") is { } exitNode
                ? kind is PhaseKind.Regime or PhaseKind.Ensemble ? exitNode.Choice(Exits) : throw exitNode.Error("only a regime or an ensemble phase takes on_regime_exit.")
                : RegimeExit.Hold;
            var perRegime = Only(map, "per_regime", kind, PhaseKind.Regime)?.Int(1);
            var members = Only(map, "members", kind, PhaseKind.Ensemble) is { } membersNode ? membersNode.Int(1) : 2;
            if (members > 10)
            {
                throw map.Required("members").Error($"an ensemble weighs at most 10 members per regime, not {members}.");
            }

            var step = Only(map, "weight_step", kind, PhaseKind.Ensemble)?.Number(
                v => v is > 0 and <= 1 && Math.Abs((1 / v) - Math.Round(1 / v)) < 1e-9, "a weight step divides 1 into equal parts (0.5, 0.25, 0.1 ...)") ?? 0.5;
            if (kind == PhaseKind.Ensemble && !perRegimeGiven)
            {
                // The regime phase hands on as many per regime as the ensemble weighs, unless it says otherwise.
                phases[^1] = phases[^1] with { PerRegime = members };
            }

            perRegimeGiven = perRegime is not null;
            var range = map.Optional("range") is { } rangeNode ? Range(rangeNode) : null;
            var windows = 1;
            if (map.Optional("walk_forward") is { } walkNode)
            {
                windows = kind == PhaseKind.Validate ? walkNode.Int(1) : throw walkNode.Error("only a validate phase takes walk_forward.");
                if (range is null)
                {
                    throw walkNode.Error("walk-forward windows split the phase's range: give the phase a range.");
                }

                if (range.To.DayNumber - range.From.DayNumber < windows)
                {
                    throw walkNode.Error($"range {range} has fewer days than {windows} windows.");
                }
            }

            var allTrades = map.Optional("store_trades")?.Choice(StoredTrades) ?? false;
            var pboTrials = GridOnly(map, "pbo_trials", kind)?.Int(0) ?? PhaseSection.DefaultPboTrials;
            var pboPartitions = BacktestOverfitting.DefaultPartitions;
            if (GridOnly(map, "pbo_partitions", kind) is { } partitionsNode)
            {
                pboPartitions = partitionsNode.Int(2);
                if (pboPartitions % 2 != 0 || pboPartitions > 20)
                {
                    throw partitionsNode.Error($"PBO splits the dates into S blocks, half in sample: S must be even and at most 20 (C(20, 10) = 184,756 splits), not {pboPartitions}.");
                }
            }

            var walkForward = kind == PhaseKind.WalkForward ? WalkForward(map, phases) : NotWalkForward(map);
            phases.Add(new PhaseSection(
                name, kind, objective, map.Optional("top")?.Int(1) ?? 10, range, classifier, exit, windows, allTrades, pboTrials, pboPartitions, perRegime ?? 1, members, step, walkForward));
            names.Add(nameNode);
        }

        // A walk-forward window's inner phases write their results under {phase}-w{n}-{inner}: no phase may be named so.
        foreach (var wf in phases.Where(p => p.WalkForward is not null))
        {
            for (var i = 0; i < phases.Count; i++)
            {
                if (wf.WalkForward!.Phases.FirstOrDefault(inner => Workflow.IsWindowOutput(phases[i].Name, wf.Name, inner)) is { } inner)
                {
                    throw names[i].Error($"phase '{phases[i].Name}' is named like the results of a window of walk-forward phase '{wf.Name}' ({wf.Name}-w<n>-{inner}); name it otherwise.");
                }
            }
        }

        return phases;
    }

    private static readonly string[] WalkForwardKeys = ["train", "test", "step", "anchored", "phases"];

    /// <summary>
    /// A walk-forward phase's windows (<c>train</c>, <c>test</c>, <c>step</c>: durations such as <c>90d</c>, or bar counts; <c>step</c>
    /// defaults to <c>test</c>), <c>anchored</c> (default false: rolling), and the earlier phases it re-runs in each window (<c>phases</c>;
    /// default every grid, regime and ensemble phase before it, in order).
    /// </summary>
    private static WalkForwardSpec WalkForward(ConfigMap map, IReadOnlyList<PhaseSection> before)
    {
        var trainNode = map.Required("train");
        var train = SpanLength(trainNode);
        var test = SpanLength(map.Required("test"));
        var step = map.Optional("step") is { } stepNode ? SpanLength(stepNode) : test;
        if (new[] { test, step }.Any(s => s.InBars != train.InBars))
        {
            throw trainNode.Error("train, test and step of a walk-forward phase are all durations (90d) or all bar counts (250).");
        }

        if (step.InBars ? step.Bars < test.Bars : step.Duration < test.Duration)
        {
            throw map.Required("step").Error($"step {step} is shorter than test {test}: the test spans would overlap and trade the same bars twice.");
        }

        var anchored = map.Optional("anchored")?.Bool() ?? false;
        IReadOnlyList<PhaseSection> inner;
        if (map.Optional("phases") is { } phasesNode)
        {
            inner = [.. phasesNode.Alternatives().Select(item =>
            {
                var name = item.Text();
                var phase = before.FirstOrDefault(p => p.Name == name)
                    ?? throw item.Error($"'{name}' is not a phase before this one; those are {(before.Count == 0 ? "none" : string.Join(", ", before.Select(p => p.Name)))}.");
                return phase.Kind is PhaseKind.Grid or PhaseKind.Regime or PhaseKind.Ensemble
                    ? phase
                    : throw item.Error($"phase '{name}' is a {phase.Kind.Name()} phase; a walk-forward window re-runs grid, regime and ensemble phases.");
            })];
            if (inner.Count == 0 || inner[0].Kind != PhaseKind.Grid)
            {
                throw phasesNode.Error("a walk-forward window's phases start with a grid phase: each later one starts from the one before it.");
            }

            var misplaced = inner.Select((p, i) => (p, i)).FirstOrDefault(x => x.p.Kind == PhaseKind.Ensemble && inner[x.i - 1].Kind != PhaseKind.Regime).p;
            if (misplaced is not null)
            {
                throw phasesNode.Error($"ensemble phase '{misplaced.Name}' weighs the picks of the regime phase right before it; list that regime phase before it.");
            }
        }
        else
        {
            inner = [.. before.Where(p => p.Kind is PhaseKind.Grid or PhaseKind.Regime or PhaseKind.Ensemble)];
            if (inner.Count == 0)
            {
                throw map.Node.Error("a walk-forward phase re-runs the grid, regime and ensemble phases before it in each window; there is none before it.");
            }
        }

        return new WalkForwardSpec(train, test, step, anchored, [.. inner.Select(p => p.Name)]);
    }

    /// <summary>Refuses the walk-forward keys on a phase of another kind.</summary>
    private static WalkForwardSpec? NotWalkForward(ConfigMap map) =>
        WalkForwardKeys.FirstOrDefault(key => map.Optional(key) is not null) is { } key
            ? throw map.Required(key).Error($"only a walk_forward phase takes {key}.")
            : null;

    /// <summary>A span: a duration (<c>90d</c>, <c>12h</c>) or a count of bars (<c>250</c>).</summary>
    private static SpanLength SpanLength(ConfigNode node) =>
        int.TryParse(node.Text(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _)
            ? Optimization.SpanLength.OfBars(node.Int(1))
            : Optimization.SpanLength.Of(Duration(node));

    /// <summary>A key only a phase of <paramref name="owner"/> kind takes.</summary>
    private static ConfigNode? Only(ConfigMap map, string key, PhaseKind kind, PhaseKind owner) =>
        map.Optional(key) is { } node && kind != owner
            ? throw node.Error($"only {(owner == PhaseKind.Ensemble ? "an" : "a")} {owner.ToString().ToLowerInvariant()} phase takes {key}.")
            : map.Optional(key);

    /// <summary>A key only a grid phase takes (the Probability of Backtest Overfitting is a grid's).</summary>
    private static ConfigNode? GridOnly(ConfigMap map, string key, PhaseKind kind) =>
        map.Optional(key) is { } node && kind != PhaseKind.Grid
            ? throw node.Error($"only a grid phase takes {key}: the Probability of Backtest Overfitting is estimated over a grid's trials.")
            : map.Optional(key);

    private static DateRange Range(ConfigNode node)
    {
        var map = node.Map().Allow(RunConfigKeys.Range);
        var (from, toNode) = (map.Required("from").Date(), map.Required("to"));
        var to = toNode.Date();
        return from < to ? new DateRange(from, to) : throw toNode.Error($"the range must end after it starts ({from:yyyy-MM-dd}).");
    }

    private static RetentionDays Retention(ConfigNode node)
    {
        var map = node.Map().Allow(RunConfigKeys.Retention);
        int? Days(string key, int? fallback) => map.Optional(key) is { } days ? days.IsNone ? null : days.Int(0) : fallback;
        var defaults = RetentionDays.Default;
        return new RetentionDays(Days("events", defaults.Events), Days("trades", defaults.Trades), Days("metrics", defaults.Metrics), Days("summary", defaults.Summary));
    }

    private static IReadOnlyList<SeriesId> SeriesOf(ConfigNode node, DataSection data) =>
    [
        .. node.Alternatives().Select(item =>
        {
            var series = item.Series();
            return data.Series.Contains(series)
                ? series
                : throw item.Error($"series {series} is not in data.series ({string.Join(", ", data.Series)}).");
        }),
    ];

    private static Dictionary<string, double> FixedParameters(ConfigNode node)
    {
        var map = node.Map();
        return map.Keys.ToDictionary(key => key, key => map.Required(key).Number());
    }

    private static TimeSpan Duration(ConfigNode node)
    {
        var text = node.Text();
        var (digits, unit) = (text[..^1], text[^1]);
        return int.TryParse(digits, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var count) && count > 0
            ? unit switch
            {
                'm' => TimeSpan.FromMinutes(count),
                'h' => TimeSpan.FromHours(count),
                'd' => TimeSpan.FromDays(count),
                _ => throw node.Error($"'{text}' is not a duration such as 30m, 1h or 7d."),
            }
            : throw node.Error($"'{text}' is not a duration such as 30m, 1h or 7d.");
    }
}
