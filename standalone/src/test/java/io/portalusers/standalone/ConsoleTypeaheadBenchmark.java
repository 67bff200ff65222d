package io.portalusers.standalone;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;

import java.util.ArrayList;
import java.util.List;

/**
 * How long the console's Users page takes, in the browser, from the third keystroke of a Name
 * term to the swapped results: the console's own part (htmx, the page's server, the call to
 * the API over loopback, the rendering) on a small data set. The API's search on a large one is
 * measured by SearchRebuildReportsBenchmark. Not run by {@code mvn verify}; by hand:
 * {@code mvn -pl standalone -am test -Dtest=ConsoleTypeaheadBenchmark -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class ConsoleTypeaheadBenchmark extends ConsoleTest {

    private static final int USERS = Integer.getInteger("benchmark.users", 300);
    private static final int SAMPLES = Integer.getInteger("benchmark.samples", 100);

    @Test
    void third_keystroke_to_results() {
        String family = "Q" + letters(9);
        Account petra = activeAccount("Petra", family, "PORTAL_ADMIN");
        for (int i = 0; i < USERS; i++) {
            pendingAccount("Bench" + letters(4), family, "API_OWNER", false);
        }
        signIn(petra);
        JavascriptExecutor js = (JavascriptExecutor) browser.driver;
        js.executeScript("""
                window.__took = [];
                document.body.addEventListener('htmx:afterSettle', () => {
                  if (window.__start) { window.__took.push(performance.now() - window.__start); window.__start = null; }
                });""");
        WebElement name = browser.field("Name");
        for (int i = 0; i < SAMPLES + 10; i++) {
            name.clear();
            String term = "be" + (char) ('a' + i % 26);
            name.sendKeys(term.substring(0, 2));
            browser.until(d -> d.findElements(By.id("search-refusal")).isEmpty() ? null : true);
            js.executeScript("window.__start = performance.now();");
            name.sendKeys(term.substring(2));
            browser.until(d -> js.executeScript("return window.__start") == null ? true : null);
        }
        @SuppressWarnings("unchecked")
        List<Number> took = (List<Number>) js.executeScript("return window.__took.slice(10)");
        List<Double> sorted = new ArrayList<>(took.stream().map(Number::doubleValue).sorted().toList());
        System.out.printf("console typeahead, third keystroke to results (%d samples, %d users): p50 %.1f ms, p95 %.1f ms%n",
                sorted.size(), USERS + 1, sorted.get(sorted.size() / 2), sorted.get((int) Math.ceil(sorted.size() * 0.95) - 1));
    }
}
