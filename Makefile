# Guichet — the two commands of the README:
#   make serve   install what is missing, build, generate the demo portal, serve it on 127.0.0.1:8080
#   make test    run every test (unit, integration, and the outside oracles on the demo site)

SWIFT   ?= swift
PORT    ?= 8080
RELEASE := .build/release/guichet
DEBUG   := .build/debug/guichet
# Where `make test` builds the demo for the oracles (outside site/, never published).
TEST_SITE := .build/test-site

.PHONY: serve test deps test-deps build release site unit-tests oracles bench clean

# `guichet serve` builds the site into site/ (RGAA gate included) before serving it.
serve: deps release
	$(RELEASE) serve --port $(PORT)

# Form pages in their error state, written by FormErrorStateTests for the oracles.
ERROR_PAGES := .build/test-error-pages
# Pages answered by the gateway (receipts, refusals), written by GatewayTests for the oracles.
GATEWAY_PAGES := .build/test-gateway-pages

test: test-deps
	$(SWIFT) build --build-tests
	rm -rf $(ERROR_PAGES) $(GATEWAY_PAGES)
	GUICHET_ERROR_PAGES=$(CURDIR)/$(ERROR_PAGES) GUICHET_GATEWAY_PAGES=$(CURDIR)/$(GATEWAY_PAGES) $(SWIFT) test --skip-build
	$(MAKE) --no-print-directory oracles
	$(MAKE) --no-print-directory integration

# The demo site checked by tools we did not write: the W3C Nu validator and axe-core in
# headless Chromium. Both must report nothing.
oracles:
	rm -rf $(TEST_SITE)
	$(DEBUG) build --output $(TEST_SITE)
	bash scripts/nu-check.sh $(TEST_SITE)
	python3 scripts/axe_check.py $(TEST_SITE)
	# The error pages link /assets/guichet.css: serve them with the site's assets.
	cp -r $(TEST_SITE)/assets $(ERROR_PAGES)/
	bash scripts/nu-check.sh $(ERROR_PAGES)
	python3 scripts/axe_check.py $(ERROR_PAGES)
	cp -r $(TEST_SITE)/assets $(GATEWAY_PAGES)/
	bash scripts/nu-check.sh $(GATEWAY_PAGES)
	python3 scripts/axe_check.py $(GATEWAY_PAGES)

# End-to-end tests with real parts: nginx (FastCGI, Unix socket), lighttpd (CGI), Apache
# (mod_proxy_fcgi and CGI), headless Chromium on `guichet serve`, libfcgi's cgi-fcgi, and
# SIGKILLs of the gateway under load. The web servers run the very files of docs/deploiement/.
.PHONY: integration
integration:
	$(SWIFT) build --product guichet
	python3 Tests/Integration/run.py --binary $(DEBUG)

deps:
	bash scripts/install-deps.sh

test-deps:
	bash scripts/install-deps.sh --test

build:
	$(SWIFT) build

release:
	$(SWIFT) build -c release --product guichet

site: release
	$(RELEASE) build

bench: test-deps
	bash Benchmarks/build-vs-hugo.sh

# Form submissions per second: guichet's FastCGI gateway against php-fpm behind one nginx.
.PHONY: bench-gateway
bench-gateway:
	bash scripts/install-deps.sh --bench
	bash Benchmarks/gateway-vs-php.sh

clean:
	rm -rf .build .build-tools
