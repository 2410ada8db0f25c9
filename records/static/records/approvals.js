/*
 * The monthly approval pages (records/views/approvals/), without a framework.
 *
 * - The queue: the header checkbox selects every dossier of the page.
 * - The act, awaiting the signature: "Sign with the digital signing device" asks the signing
 *   service on this computer (a token plugin; portal.signing.reference_service in the demo) for
 *   the certificate, has the server prepare the digest (interrupted signing), has the service sign
 *   it, posts the signature back and reloads.
 * - The act, publishing: polls the progress every second until finished, then reloads.
 *
 * Every text shown comes from the page (data-text-* attributes, translated on the server).
 */
(function () {
    "use strict";

    var LOCAL_TIMEOUT_MS = 120000; // the signer may have to type the token's PIN

    function selectAll(form) {
        form.querySelectorAll("[data-approval-select-all]").forEach(function (box) {
            box.addEventListener("change", function () {
                form.querySelectorAll('input[type="checkbox"][name="dossier"]').forEach(function (item) {
                    item.checked = box.checked;
                });
            });
        });
    }

    function SigningError(messages) {
        this.messages = messages;
    }

    async function callLocalService(url, options, texts) {
        var controller = new AbortController();
        var timer = setTimeout(function () { controller.abort(); }, LOCAL_TIMEOUT_MS);
        var response;
        try {
            response = await fetch(url, Object.assign({ signal: controller.signal, cache: "no-store" }, options));
        } catch (error) {
            throw new SigningError([texts.unreachable]);
        } finally {
            clearTimeout(timer);
        }
        var data = await response.json().catch(function () { return null; });
        if (!data) {
            throw new SigningError([texts.unreachable]);
        }
        if (!response.ok || (data.Status !== undefined && data.Status !== 0)) {
            throw new SigningError([texts.refused + " " + (data.Message || response.status)]);
        }
        return data;
    }

    async function callServer(url, body, csrfToken) {
        var response = await fetch(url, {
            method: "POST",
            credentials: "same-origin",
            headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrfToken },
            body: JSON.stringify(body),
        });
        var data = await response.json().catch(function () { return null; });
        if (!response.ok || !data) {
            throw new SigningError((data && data.errors) || [String(response.status) + " " + response.statusText]);
        }
        return data;
    }

    function externalSigning(panel) {
        var button = panel.querySelector("[data-approval-external-sign]");
        var status = panel.querySelector("[data-approval-sign-status]");
        var errorBox = panel.querySelector("[data-approval-sign-error]");
        var csrf = panel.querySelector('input[name="csrfmiddlewaretoken"]');
        var signer = panel.dataset.signerUrl.replace(/\/+$/, "");
        var texts = {
            unreachable: panel.dataset.textUnreachable,
            refused: panel.dataset.textRefused,
            working: panel.dataset.textWorking,
            failed: panel.dataset.textFailed,
            done: panel.dataset.textDone,
        };

        function showErrors(messages) {
            errorBox.textContent = "";
            var title = document.createElement("p");
            title.textContent = texts.failed;
            var list = document.createElement("ul");
            messages.forEach(function (message) {
                var item = document.createElement("li");
                item.textContent = message;
                list.appendChild(item);
            });
            errorBox.appendChild(title);
            errorBox.appendChild(list);
        }

        button.addEventListener("click", async function () {
            button.disabled = true;
            errorBox.textContent = "";
            status.textContent = texts.working;
            try {
                var identity = await callLocalService(signer + "/certificate", { method: "GET" }, texts);
                var prepared = await callServer(
                    panel.dataset.prepareUrl,
                    { certificate: identity.certificate || identity.CertBase64, chain: identity.chain || [] },
                    csrf.value
                );
                var signed = await callLocalService(
                    signer + "/sign",
                    {
                        method: "POST",
                        headers: { "Content-Type": "application/json" },
                        body: JSON.stringify({ digest: prepared.digest, digest_algorithm: prepared.digest_algorithm }),
                    },
                    texts
                );
                var done = await callServer(
                    panel.dataset.completeUrl,
                    { pending_id: prepared.pending_id, signature: signed.Signature },
                    csrf.value
                );
                status.textContent = texts.done;
                window.location.assign(done.redirect || window.location.href);
            } catch (error) {
                status.textContent = "";
                showErrors(error instanceof SigningError ? error.messages : [String(error)]);
                button.disabled = false;
            }
        });
    }

    function progress(panel) {
        var bar = panel.querySelector("progress");
        var text = panel.querySelector("[data-approval-progress-text]");

        function fill(template, values) {
            return template.replace(/\{(\w+)\}/g, function (whole, key) {
                return key in values ? String(values[key]) : whole;
            });
        }

        async function poll() {
            try {
                var response = await fetch(panel.dataset.progressUrl, {
                    credentials: "same-origin",
                    headers: { "Accept": "application/json" },
                    cache: "no-store",
                });
                if (response.ok) {
                    var state = await response.json();
                    bar.value = state.percent;
                    if (state.finished) {
                        text.textContent = fill(panel.dataset.textFinished, {
                            published: state.published,
                            skipped: state.total - state.published,
                        });
                        window.setTimeout(function () { window.location.reload(); }, 1000);
                        return;
                    }
                    text.textContent = fill(panel.dataset.textProgress, state);
                }
            } catch (error) {
                // A lost connection: try again at the next tick.
            }
            window.setTimeout(poll, 1000);
        }

        window.setTimeout(poll, 1000);
    }

    function start() {
        document.querySelectorAll("[data-approval-queue]").forEach(selectAll);
        document.querySelectorAll("#approval-external-signing").forEach(externalSigning);
        document.querySelectorAll("#approval-progress").forEach(progress);
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", start);
    } else {
        start();
    }
})();
