package org.m2mbridge.distribution;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import ch.qos.logback.core.status.Status;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.parsers.SAXParserFactory;
import org.m2mbridge.core.config.ConfigException;
import org.slf4j.LoggerFactory;
import org.xml.sax.SAXException;
import org.xml.sax.helpers.DefaultHandler;

/**
 * The log levels part of a reload: the logback file the bridge runs with ({@code -Dlogback.configurationFile}, which
 * bin/m2m-bridge always passes) is read again. A file that is not well-formed XML refuses the reload before anything
 * changed; one that logback then reports errors for (an unknown appender class) is applied as far as logback goes
 * and its errors logged. Without that property (tests, an embedding application) logging is left alone.
 */
final class LogConfigReload {
    private LogConfigReload() {
    }

    /** The logback file, when the bridge runs with one. */
    static Optional<Path> file() {
        String name = System.getProperty("logback.configurationFile");
        return name == null || name.isBlank() || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext)
                ? Optional.empty() : Optional.of(Path.of(name));
    }

    /** Throws a {@link ConfigException} when the file cannot be read or is not well-formed XML. */
    static void check() {
        Optional<Path> file = file();
        if (file.isEmpty()) {
            return;
        }
        try {
            SAXParserFactory factory = SAXParserFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.newSAXParser().parse(Files.newInputStream(file.get()), new DefaultHandler());
        } catch (IOException | SAXException | ParserConfigurationException e) {
            throw new ConfigException(file.get() + ": log configuration cannot be read: " + e.getMessage(), e);
        }
    }

    /** Applies the file to the running logging; false when there is none. */
    static boolean apply() {
        Optional<Path> file = file();
        if (file.isEmpty()) {
            return false;
        }
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        long since = System.currentTimeMillis();
        context.reset();
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        try {
            configurator.doConfigure(file.get().toFile());
        } catch (JoranException e) {
            LoggerFactory.getLogger(LogConfigReload.class).error("log configuration {} applied with errors: {}",
                    file.get(), e.getMessage());
        }
        for (Status s : context.getStatusManager().getCopyOfStatusList()) {
            if (s.getLevel() >= Status.WARN && s.getTimestamp() >= since) {
                LoggerFactory.getLogger(LogConfigReload.class).warn("log configuration {}: {}", file.get(),
                        s.getMessage());
            }
        }
        return true;
    }
}
