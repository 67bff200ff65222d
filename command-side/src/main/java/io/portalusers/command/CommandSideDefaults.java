package io.portalusers.command;

import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.PropertySource;

/**
 * Loads the command side's defaults ({@code command-side-defaults.properties}) wherever the
 * command side runs: among them that its lookups processor ({@code command-lookups}) is
 * subscribing, so that the lookups are written in the transaction of the command that causes them.
 */
@Configuration(proxyBeanMethods = false)
@PropertySource("classpath:command-side-defaults.properties")
class CommandSideDefaults {
}
