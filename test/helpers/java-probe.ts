import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * A throwaway Java class that reads generated job files the way a job does, with the real JDK,
 * and prints what it read as JSON (all non-ASCII as \uXXXX, so no console encoding gets in the way):
 * - `props <file>…`: per file, the entries java.util.Properties.load reads through an
 *   InputStream (ISO-8859-1) and through a UTF-8 Reader, each sorted by key.
 * - `xml <file>`: the Log4j2 configuration as parsed by the JDK's DOM parser (fails if not well-formed).
 */
const SOURCE = String.raw`
import java.io.*;
import java.nio.charset.StandardCharsets;
import java.util.*;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.*;

public class Probe {
  static String q(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') b.append('\\').append(c);
      else if (c < 0x20 || c > 0x7e) b.append(String.format("\\u%04x", (int) c));
      else b.append(c);
    }
    return b.append('"').toString();
  }

  static String entries(Properties p) {
    StringBuilder b = new StringBuilder("[");
    String sep = "";
    for (String k : new TreeSet<>(p.stringPropertyNames())) {
      b.append(sep).append('[').append(q(k)).append(',').append(q(p.getProperty(k))).append(']');
      sep = ",";
    }
    return b.append(']').toString();
  }

  static List<Element> children(Element e) {
    List<Element> out = new ArrayList<>();
    NodeList nodes = e.getChildNodes();
    for (int i = 0; i < nodes.getLength(); i++) if (nodes.item(i) instanceof Element) out.add((Element) nodes.item(i));
    return out;
  }

  public static void main(String[] args) throws Exception {
    StringBuilder out = new StringBuilder();
    if (args[0].equals("props")) {
      out.append('[');
      for (int i = 1; i < args.length; i++) {
        Properties bytes = new Properties();
        try (InputStream in = new FileInputStream(args[i])) { bytes.load(in); }
        Properties chars = new Properties();
        try (Reader r = new InputStreamReader(new FileInputStream(args[i]), StandardCharsets.UTF_8)) { chars.load(r); }
        if (i > 1) out.append(',');
        out.append("{\"stream\":").append(entries(bytes)).append(",\"reader\":").append(entries(chars)).append('}');
      }
      out.append(']');
    } else {
      DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
      Element conf = factory.newDocumentBuilder().parse(new File(args[1])).getDocumentElement();
      out.append("{\"element\":").append(q(conf.getTagName()));
      out.append(",\"monitorInterval\":").append(q(conf.getAttribute("monitorInterval")));
      out.append(",\"loggers\":[");
      String sep = "";
      for (Element section : children(conf)) {
        if (!section.getTagName().equals("Loggers")) continue;
        for (Element logger : children(section)) {
          out.append(sep).append("{\"element\":").append(q(logger.getTagName()));
          out.append(",\"name\":").append(q(logger.getAttribute("name")));
          out.append(",\"level\":").append(q(logger.getAttribute("level")));
          List<String> refs = new ArrayList<>();
          for (Element ref : children(logger)) refs.add(q(ref.getAttribute("ref")));
          out.append(",\"appenderRefs\":[").append(String.join(",", refs)).append("]}");
          sep = ",";
        }
      }
      out.append("]}");
    }
    System.out.println(out);
  }
}
`;

export interface JavaProbe {
  /** Per file: the sorted entries read through an InputStream and through a UTF-8 Reader. */
  properties(files: string[]): Promise<{ stream: [string, string][]; reader: [string, string][] }[]>;
  log4j2(file: string): Promise<{
    element: string;
    monitorInterval: string;
    loggers: { element: string; name: string; level: string; appenderRefs: string[] }[];
  }>;
}

/** Compiles the probe with `javac` in a fresh temporary folder. */
export async function compileJavaProbe(): Promise<JavaProbe & { dir: string }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sluice-probe-'));
  await fs.writeFile(path.join(dir, 'Probe.java'), SOURCE);
  await run('javac', ['-d', dir, path.join(dir, 'Probe.java')]);
  const probe = async (args: string[]) => JSON.parse((await run('java', ['-cp', dir, 'Probe', ...args])).stdout);
  return {
    dir,
    properties: (files) => probe(['props', ...files]),
    log4j2: (file) => probe(['xml', file]),
  };
}
