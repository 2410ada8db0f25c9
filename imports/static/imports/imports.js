/*
 * The import and export pages (imports/views.py), without a framework.
 *
 * - A job's page, while the job is queued or running: polls the progress every second (rows done
 *   of total, estimated time left) and reloads once the run has finished.
 * - The export page: choosing another target reloads the page with that target's columns (the unit,
 *   the period and the filters chosen so far kept).
 *
 * Every text shown comes from the page (data-text-* attributes, translated on the server).
 */
(function () {
    "use strict";

    function fill(template, values) {
        return template.replace(/\{(\w+)\}/g, function (whole, key) {
            return key in values ? String(values[key]) : whole;
        });
    }

    function progress(panel) {
        var bar = panel.querySelector("progress");
        var text = panel.querySelector("[data-imports-progress-text]");
        var eta = panel.querySelector("[data-imports-progress-eta]");

        async function poll() {
            try {
                var response = await fetch(panel.dataset.progressUrl, {
                    credentials: "same-origin",
                    headers: { "Accept": "application/json" },
                    cache: "no-store",
                });
                if (response.ok) {
                    var state = await response.json();
                    if (state.finished) {
                        window.location.reload();
                        return;
                    }
                    bar.value = state.percent;
                    text.textContent = state.status === "queued"
                        ? panel.dataset.textQueued
                        : fill(panel.dataset.textProgress, state);
                    eta.textContent = state.eta ? fill(panel.dataset.textEta, state) : "";
                }
            } catch (error) {
                // A lost connection: try again at the next tick.
            }
            window.setTimeout(poll, 1000);
        }

        window.setTimeout(poll, 1000);
    }

    function targetForm(form) {
        var select = form.querySelector('select[name="target"]');
        if (!select) {
            return;
        }
        select.addEventListener("change", function () {
            // Everything chosen so far (unit, period, filters) but the previous target's columns.
            var params = new URLSearchParams();
            new FormData(form).forEach(function (value, name) {
                if (value && ["columns", "content", "fmt", "choose"].indexOf(name) < 0) {
                    params.append(name, value);
                }
            });
            params.set("target", select.value);
            window.location.assign(form.action + "?" + params.toString());
        });
    }

    function start() {
        document.querySelectorAll("#import-progress").forEach(progress);
        document.querySelectorAll("[data-imports-target-form]").forEach(targetForm);
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", start);
    } else {
        start();
    }
})();
