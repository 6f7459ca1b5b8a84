package io.colony.infra;

import io.colony.infra.PromQl.Refs;
import io.colony.infra.PromQl.Selector;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Prometheus' scrape configurations, the alert rules and the Grafana dashboard query only what the services
 * export ({@link KnownMetrics}: the brief's meters as Micrometer prints them), with labels those series have,
 * and every alert explains itself and points at a runbook section that exists.
 */
class ObservabilityTests {

	static final Path PROMETHEUS = Path.of("prometheus/prometheus.yml");

	static final Path PROMETHEUS_KUBERNETES = Path.of("prometheus/prometheus-kubernetes.yml");

	static final Path ALERTS = Path.of("prometheus/alerts.yml");

	static final Path DASHBOARD = Path.of("grafana/dashboards/colony.json");

	static final Path OPERATIONS = Mesh.REPOSITORY.resolve("docs/operations.md");

	/** Labels made inside expressions (label_replace) rather than exported. */
	static final Set<String> DERIVED_LABELS = Set.of("capability");

	static final KnownMetrics METRICS = KnownMetrics.fromBrief();

	@Test
	void theKnownSeriesAreWhatMicrometerPrintsForTheBriefsMeters() {
		// guards the list itself: a convention change in Micrometer would show here first
		assertThat(METRICS.seriesNames()).contains("colony_queue_messages", "colony_queue_consumers",
				"colony_dead_letters", "colony_worker_tasks_in_flight", "colony_task_duration_seconds_bucket",
				"colony_task_duration_seconds_count", "colony_llm_call_duration_seconds_bucket", "colony_llm_tokens_total",
				"colony_llm_cost_usd_total", "colony_llm_circuit_open", "colony_credentials_requests_pending",
				"colony_registry_agents", "colony_jobs_active", "colony_jobs_stalled", "colony_gateway_rate_limited_total",
				"up");
		assertThat(METRICS.labels("colony_task_duration_seconds_bucket")).contains("agent_type", "outcome", "le");
		assertThat(METRICS.labels("colony_llm_tokens_total")).contains("agent_type", "tenant", "direction");
	}

	@Test
	void prometheusScrapesEveryServicesActuatorEndpointAndLoadsTheRules() {
		Map<String, Object> config = Kustomize.loadOne(PROMETHEUS);
		assertThat(List.<Object>copyOf(Kustomize.list(config.get("rule_files")))).containsExactly("/etc/prometheus/alerts.yml");
		Map<String, Object> colony = job(config, "colony");
		assertThat(colony.get("metrics_path")).isEqualTo("/actuator/prometheus");
		Set<String> targets = new TreeSet<>();
		for (Object sd : Kustomize.list(colony.get("dns_sd_configs"))) {
			Map<String, Object> dns = Kustomize.map(sd);
			for (Object name : Kustomize.list(dns.get("names"))) {
				Mesh.Deployable deployable = Mesh.deployable((String) name);
				assertThat(dns.get("port")).as(name + " port").isEqualTo(deployable.port());
				targets.add((String) name);
			}
		}
		assertThat(targets).as("every compose service of the mesh is scraped")
			.isEqualTo(new TreeSet<>(Mesh.DEPLOYABLES.stream().map(Mesh.Deployable::name).toList()));

		Map<String, Object> kubernetes = Kustomize.loadOne(PROMETHEUS_KUBERNETES);
		assertThat(List.<Object>copyOf(Kustomize.list(kubernetes.get("rule_files")))).containsExactly("/etc/prometheus/alerts.yml");
		String relabelling = String.valueOf(job(kubernetes, "colony").get("relabel_configs"));
		assertThat(relabelling).contains("__meta_kubernetes_pod_annotation_prometheus_io_scrape",
				"__meta_kubernetes_pod_annotation_prometheus_io_path", "__meta_kubernetes_pod_annotation_prometheus_io_port",
				"target_label=app");
		// ... and every Deployment asks to be scraped on its port and path
		for (Map<String, Object> object : Kustomize.render(KubernetesManifestsTests.K8S.resolve("base"))) {
			if (Kustomize.kind(object).equals("Deployment")) {
				Mesh.Deployable deployable = Mesh.deployable(Kustomize.name(object));
				Map<String, Object> annotations = Kustomize.map(Kustomize.map(Kustomize.map(
						Kustomize.map(object.get("spec")).get("template")).get("metadata")).get("annotations"));
				assertThat(annotations).as(deployable.name())
					.containsEntry("prometheus.io/scrape", "true")
					.containsEntry("prometheus.io/path", "/actuator/prometheus")
					.containsEntry("prometheus.io/port", String.valueOf(deployable.port()));
			}
		}
	}

	@Test
	void alertsQueryOnlyKnownMetricsAndExplainThemselves() throws Exception {
		String operations = Files.readString(OPERATIONS);
		List<String> alerts = new ArrayList<>();
		Set<String> queried = new TreeSet<>();
		for (Object group : Kustomize.list(Kustomize.loadOne(ALERTS).get("groups"))) {
			for (Object entry : Kustomize.list(Kustomize.map(group).get("rules"))) {
				Map<String, Object> rule = Kustomize.map(entry);
				String alert = (String) rule.get("alert");
				assertThat(alert).as("only alerting rules, each named").isNotBlank();
				alerts.add(alert);
				queried.addAll(checkExpression(alert, (String) rule.get("expr")));
				assertThat(String.valueOf(rule.get("for"))).as(alert + " for").matches("\\d+[smh]");
				assertThat(Kustomize.map(rule.get("labels")).get("severity")).as(alert + " severity")
					.isIn("info", "warning", "critical");
				Map<String, Object> annotations = Kustomize.map(rule.get("annotations"));
				assertThat(annotations).as(alert).containsKeys("summary", "description", "runbook_url");
				String runbook = (String) annotations.get("runbook_url");
				assertThat(runbook).startsWith("docs/operations.md#");
				String anchor = runbook.substring(runbook.indexOf('#') + 1);
				assertThat(anchors(operations)).as(alert + " runbook section in docs/operations.md").contains(anchor);
			}
		}
		assertThat(alerts).doesNotHaveDuplicates();
		assertThat(queried).as("the issue's alerts: DLQ growth, stuck jobs, circuit open, registry empty, backlog")
			.contains("colony_dead_letters", "colony_jobs_stalled", "colony_llm_circuit_open", "colony_registry_agents",
					"colony_queue_messages", "colony_queue_consumers");
	}

	@Test
	void theDashboardIsAGrafanaModelQueryingOnlyKnownMetrics() throws Exception {
		JsonNode dashboard = JsonMapper.builder().build().readTree(Files.readString(DASHBOARD));
		assertThat(dashboard.get("uid").asString()).isNotBlank();
		assertThat(dashboard.get("schemaVersion").asInt()).isGreaterThanOrEqualTo(36);
		Set<Integer> ids = new HashSet<>();
		Set<String> queried = new TreeSet<>();
		int queries = 0;
		for (JsonNode panel : dashboard.get("panels")) {
			assertThat(ids.add(panel.get("id").asInt())).as("panel ids are unique").isTrue();
			JsonNode grid = panel.get("gridPos");
			assertThat(grid.get("w").asInt() + grid.get("x").asInt()).as(panel.get("title") + " fits the grid")
				.isBetween(1, 24);
			if (panel.get("type").asString().equals("row")) {
				continue;
			}
			assertThat(panel.get("datasource").get("uid").asString()).isEqualTo("${datasource}");
			assertThat(panel.get("targets").size()).as(panel.get("title") + " queries").isPositive();
			for (JsonNode target : panel.get("targets")) {
				queried.addAll(checkExpression(panel.get("title").asString(), target.get("expr").asString()));
				queries++;
			}
		}
		Pattern labelValues = Pattern.compile("label_values\\((?:([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*,\\s*)?([a-zA-Z_]+)\\)");
		for (JsonNode variable : dashboard.get("templating").get("list")) {
			if (variable.get("type").asString().equals("query")) {
				Matcher matcher = labelValues.matcher(variable.get("definition").asString());
				assertThat(matcher.matches()).as(variable.get("name") + " is a label_values() query").isTrue();
				assertThat(METRICS.seriesNames()).contains(matcher.group(1));
				assertThat(METRICS.labels(matcher.group(1))).contains(matcher.group(2));
			}
		}
		assertThat(queries).isGreaterThanOrEqualTo(20);
		assertThat(queried).as("panels the issue asks for").contains("colony_queue_messages", "colony_queue_consumers",
				"colony_worker_tasks_in_flight", "colony_task_duration_seconds_bucket",
				"colony_llm_call_duration_seconds_bucket", "colony_llm_tokens_total", "colony_llm_cost_usd_total",
				"colony_dead_letters", "colony_credentials_requests_pending", "colony_jobs_active", "colony_jobs_stalled");
	}

	@Test
	void grafanaIsProvisionedWithTheDataSourceTheDashboardUses() throws Exception {
		Map<String, Object> datasource = Kustomize.map(Kustomize.list(
				Kustomize.loadOne(Path.of("grafana/provisioning/datasources/prometheus.yml")).get("datasources")).getFirst());
		assertThat(datasource).containsEntry("type", "prometheus").containsEntry("url", "http://prometheus:9090");
		JsonNode dashboard = JsonMapper.builder().build().readTree(Files.readString(DASHBOARD));
		JsonNode variable = dashboard.get("templating").get("list").get(0);
		assertThat(variable.get("type").asString()).isEqualTo("datasource");
		assertThat(variable.get("current").get("value").asString()).isEqualTo(datasource.get("uid"));
		Map<String, Object> provider = Kustomize.map(Kustomize.list(
				Kustomize.loadOne(Path.of("grafana/provisioning/dashboards/colony.yml")).get("providers")).getFirst());
		assertThat(Kustomize.map(provider.get("options")).get("path"))
			.as("the provider reads where compose mounts the dashboards")
			.isEqualTo(ComposeTests.mounts("grafana").get("./grafana/dashboards"));
	}

	/** Checks one expression; answers the series it selects. */
	static Set<String> checkExpression(String what, String expression) {
		assertThat(expression).as(what + " expression").isNotBlank();
		Refs refs = PromQl.refs(expression);
		assertThat(refs.selectors()).as(what + " selects something").isNotEmpty();
		Set<String> series = new TreeSet<>();
		for (Selector selector : refs.selectors()) {
			assertThat(METRICS.seriesNames()).as(what + ": " + selector.metric() + " is a known metric").contains(selector.metric());
			assertThat(METRICS.labels(selector.metric())).as(what + ": labels of " + selector.metric())
				.containsAll(selector.labels());
			series.add(selector.metric());
		}
		Set<String> labels = new TreeSet<>(METRICS.allLabels());
		labels.addAll(DERIVED_LABELS);
		assertThat(labels).as(what + ": grouping labels").containsAll(refs.groupingLabels());
		return series;
	}

	static Map<String, Object> job(Map<String, Object> config, String name) {
		return Kustomize.list(config.get("scrape_configs")).stream()
			.map(Kustomize::map)
			.filter(job -> name.equals(job.get("job_name")))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no scrape job " + name));
	}

	/** GitHub's heading anchors: lower case, punctuation dropped, spaces to dashes. */
	static Set<String> anchors(String markdown) {
		Set<String> anchors = new TreeSet<>();
		for (String line : markdown.split("\n")) {
			if (line.startsWith("#")) {
				String heading = line.replaceFirst("^#+\\s*", "").strip().toLowerCase();
				anchors.add(heading.replaceAll("[^a-z0-9 _-]", "").replace(' ', '-'));
			}
		}
		return anchors;
	}
}
