namespace BackupOperator.KubectlPlugin.Cli;

/// <summary>
/// `kubectl ocp completion bash|zsh|fish`: scripts that ask the plugin itself for candidates by cobra's protocol
/// (`kubectl-ocp __complete WORDS... CURRENT` prints one candidate a line, then `:DIRECTIVE`), the same protocol
/// kubectl (1.26 and later) speaks to `kubectl_complete-ocp` for `kubectl ocp &lt;TAB&gt;`.
/// </summary>
public static class CompletionScripts
{
    public static readonly string[] Shells = ["bash", "zsh", "fish"];

    /// <summary>cobra's ShellCompDirectiveNoFileComp: no file names when there is no candidate.</summary>
    public const int NoFiles = 4;

    public static string For(string shell) => shell switch
    {
        "bash" => Bash,
        "zsh" => Zsh,
        _ => Fish,
    };

    private const string Bash = """
        # bash completion for kubectl-ocp:  source <(kubectl-ocp completion bash)
        _kubectl_ocp() {
            local cur="${COMP_WORDS[COMP_CWORD]}" line directive=0 out c
            local -a candidates=()
            out=$("${KUBECTL_OCP:-kubectl-ocp}" __complete "${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null)
            while IFS= read -r line; do
                if [[ $line == :* ]]; then directive=${line#:}; elif [[ -n $line ]]; then candidates+=("${line%%$'\t'*}"); fi
            done <<< "$out"
            COMPREPLY=()
            for c in "${candidates[@]}"; do [[ $c == "$cur"* ]] && COMPREPLY+=("$c"); done
            if (( ${#COMPREPLY[@]} == 0 && (directive & 4) == 0 )); then compopt -o default 2>/dev/null; fi
        }
        complete -F _kubectl_ocp kubectl-ocp

        """;

    private const string Zsh = """
        #compdef kubectl-ocp
        # zsh completion for kubectl-ocp:  source <(kubectl-ocp completion zsh)
        _kubectl_ocp() {
          local line directive=0
          local -a candidates
          for line in "${(@f)$("${KUBECTL_OCP:-kubectl-ocp}" __complete "${(@)words[2,CURRENT]}" 2>/dev/null)}"; do
            if [[ $line == :* ]]; then directive=${line#:}; elif [[ -n $line ]]; then candidates+=("${line%%$'\t'*}"); fi
          done
          if (( ${#candidates} )); then compadd -- "${candidates[@]}"; elif (( (directive & 4) == 0 )); then _files; fi
        }
        compdef _kubectl_ocp kubectl-ocp

        """;

    private const string Fish = """
        # fish completion for kubectl-ocp:  kubectl-ocp completion fish | source
        function __kubectl_ocp_complete
            set -l words (commandline -opc)
            for line in (kubectl-ocp __complete $words[2..-1] (commandline -ct) 2>/dev/null)
                string match -q -- ':*' $line; or echo $line
            end
        end
        complete -c kubectl-ocp -f -a '(__kubectl_ocp_complete)'

        """;
}
