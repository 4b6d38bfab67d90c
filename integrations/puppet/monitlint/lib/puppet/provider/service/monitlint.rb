# A `service` provider that drives Monit through `monitlint service ... --format json`.
# All the logic (lint gate, locking, waiting, verifying the process table) lives in monitlint;
# this file only maps Puppet's calls onto the command and its JSON result.
require 'json'
require 'open3'

Puppet::Type.type(:service).provide(:monitlint, parent: :service) do
  desc <<-EOT
    Manages a service defined in Monit's control file through `monitlint service`, which lints
    the control file first (an error such as MON101, no stop program, refuses the action), acts
    through the `monit` executable and verifies the real process state before reporting success.
    The executable is `$MONITLINT_BIN` if set, else `monitlint` on PATH; the control file is
    `$MONITLINT_CONTROL_FILE` if set, else Monit's own search order.

    There is no `enable`: Monit keeps a service's start/stop state across reboots by itself,
    and mapping "enabled" to Monit's "monitored" would clash (Puppet allows running but
    disabled, while an unmonitored service is one Monit no longer keeps track of).
  EOT

  has_feature :refreshable
  has_feature :configurable_timeout # `timeout => S` caps monitlint's wait (default: its own deadline)

  def self.monitlint_bin
    bin = ENV['MONITLINT_BIN']
    return bin unless bin.nil? || bin.empty?
    Puppet::Util.which('monitlint')
  end

  # Run `monitlint service ARGS --format json`; returns [exit status, parsed JSON or nil, raw output].
  def self.monitlint(*args, timeout: nil, flags: [])
    bin = monitlint_bin
    unless bin
      raise Puppet::Error, 'monitlint executable not found: install monitlint, or set MONITLINT_BIN ' \
                           'to its path (it is not on PATH)'
    end
    unless File.file?(bin) && File.executable?(bin)
      raise Puppet::Error, "MONITLINT_BIN is #{bin}, which is not an executable file: point it at " \
                           'the monitlint executable (venv/bin/monitlint), or unset it to use PATH'
    end
    options = ['--format', 'json', *flags]
    control = ENV['MONITLINT_CONTROL_FILE']
    options += ['-c', control] unless control.nil? || control.empty?
    options += ['--timeout', timeout.to_s] if timeout
    # '--' ends the options: a name starting with '-' reaches monitlint, which refuses it
    stdout, stderr, status = begin
      Open3.capture3(bin, 'service', *options, '--', *args, stdin_data: '')
    rescue SystemCallError => e
      raise Puppet::Error, "cannot run #{bin}: #{e.message}"
    end
    data = begin
      JSON.parse(stdout)
    rescue JSON::ParserError
      nil
    end
    [status.exitstatus || 1, data.is_a?(Hash) ? data : nil, [stdout, stderr].map(&:strip).reject(&:empty?).join("\n")]
  end

  def self.state_symbol(state)
    case state
    when 'running', 'monitored' then :running
    when 'stopped', 'not monitored' then :stopped
    else state.to_s.tr(' ', '_').to_sym # pending or unknown: never in sync, so Puppet acts and monitlint verifies
    end
  end

  def self.instances
    unless monitlint_bin
      Puppet.debug('monitlint: executable not found, no instances')
      return []
    end
    status, data, output = monitlint('list')
    raise Puppet::Error, "monitlint service list failed (exit #{status}): #{(data && data['message']) || output}" unless status.zero? && data
    data['services'].map do |entry|
      new(name: entry['name'], ensure: state_symbol(entry['state']), provider: :monitlint)
    end
  end

  def default_timeout
    nil # no `timeout` given: monitlint's own deadline (program timeouts plus two Monit cycles)
  end

  # In sync is decided as `monitlint service ensure` decides it (`--dry-run`: pending actions waited
  # for, a monitored service whose process died is not "stopped"), not from `status` alone.
  def status
    if @resource.original_parameters.key?(:enable)
      # Puppet drops an attribute the provider has no feature for, silently: say it
      warning('enable is ignored by the monitlint provider: Monit keeps start/stop state across reboots, ' \
              'and "not monitored" is not "disabled" (see the module README)')
    end
    should = @resource.should(:ensure)
    return self.class.state_symbol(call('status')['state']) unless [:running, :stopped].include?(should)

    status, data, output = self.class.monitlint('ensure', @resource[:name], should.to_s,
                                                timeout: @resource[:timeout], flags: ['--dry-run'])
    raise Puppet::Error, failure('status', status, data, output) unless data && [0, 3].include?(status)
    (data['notes'] || []).each { |note| debug("monitlint: #{note}") }
    return should if data['in_state']
    # Refused: with --noop, say so now (the real run would fail the resource with these findings).
    warning(failure("ensure #{should}", status, data, output)) if status == 3 && @resource.noop?
    out_of_sync(data, should)
  end

  # A state symbol that is never `should` for a service not in the target state.
  def out_of_sync(data, should)
    state = self.class.state_symbol(data['state'])
    return state unless state == should
    data['monitored'] ? :"#{state}_but_monitored" : :"#{state}_but_not_monitored"
  end

  def start
    call('ensure', 'running')
  end

  def stop
    call('ensure', 'stopped')
  end

  def restart
    call('restart')
  end

  private

  def call(action, *extra)
    status, data, output = self.class.monitlint(action, @resource[:name], *extra, timeout: @resource[:timeout])
    label = [action, *extra].join(' ')
    raise Puppet::Error, failure(label, status, data, output) unless status.zero? && data && data['ok']
    (data['notes'] || []).each { |note| notice("monitlint: #{note}") } unless action == 'status'
    data
  end

  def failure(action, status, data, output)
    unless data
      said = output.to_s.strip
      return "monitlint service #{action} gave no result (exit #{status})" + (said.empty? ? '' : ": #{said}")
    end
    word = status == 3 ? 'refused' : 'failed'
    message = data['message'].to_s
    lines = ["monitlint service #{action} #{word} (exit #{status}): #{message}"]
    (data['findings'] || []).each do |f|
      lines << "#{f['code']} #{f['rule']} at #{f['path']}:#{f['line']}: #{f['message']}"
    end
    (data['notes'] || []).each { |note| lines << "note: #{note}" }
    lines.join("\n  ")
  end
end
