package io.portalusers.query;

import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.PropertySource;

/**
 * Loads the query side's defaults ({@code query-side-defaults.properties}) wherever the query
 * side runs: the user search's limits and the users projection's batch size.
 */
@Configuration(proxyBeanMethods = false)
@PropertySource("classpath:query-side-defaults.properties")
class QuerySideDefaults {
}
